import { firstRefs } from './first-files.js';
import { InputError } from '../errors.js';
import type { EvalCases, SessionSet } from '../dataset/types.js';
import type { DenseMatrix } from '../vectors/matrix.js';
import { decodeEmbeddings } from './embeddings.js';
import { type FileRef, parseCatalogFile, type Manifest, parseJsonFile, parseManifest, parseManifestEntries, type TrainedEntry, trainedEntries, verifyFile } from './manifest.js';
import { EvalReport } from './report.js';
import { decodeSessions } from './sessions.js';

/**
 * The one artifact loader, shared by Node (files) and the browser (fetch), as transformers.js
 * has one `getFile()` for every runtime: the reader is injected, and every file is checked
 * against its manifest entry (size, sha256, shape) here and nowhere else.
 */

/** Reads one file of a dataset's artifact folder by its relative name; errors name the file. */
export interface ArtifactReader {
  (file: string): Promise<Uint8Array>;
  /** Load timing (load-timings.ts): told when a file was verified and decoded. */
  stamp?: (file: string, at: 'verified' | 'done') => void;
  /** Starts reading files that will be read soon (see onceReader). */
  prefetch?: (files: readonly string[]) => void;
}

export interface ArtifactProblem {
  readonly file: string;
  readonly message: string;
}

const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** A problem naming the file (the message starts with the file name exactly once). */
export function problemOf(file: string, e: unknown): ArtifactProblem {
  const msg = message(e);
  return { file, message: msg.startsWith(file) ? msg : `${file}: ${msg}` };
}

/** Reads a file and checks it against its manifest entry. */
export async function readVerified(read: ArtifactReader, ref: FileRef): Promise<Uint8Array> {
  const bytes = await read(ref.file);
  await verifyFile(bytes, ref);
  read.stamp?.(ref.file, 'verified');
  return bytes;
}

export async function loadManifest(read: ArtifactReader): Promise<Manifest> {
  return parseManifest(text(await read('manifest.json')), 'manifest.json');
}

export interface LoadedCatalog {
  readonly ids: Int32Array;
  readonly titles: string[];
}

export async function loadCatalog(read: ArtifactReader, manifest: Manifest): Promise<LoadedCatalog> {
  const catalog = parseCatalogFile(text(await readVerified(read, manifest.catalog)), manifest.catalog.file);
  if (catalog.ids.length !== manifest.catalog.count) {
    throw new InputError(manifest.catalog.file, `has ${catalog.ids.length} items, the manifest says ${manifest.catalog.count}`);
  }
  return { ids: Int32Array.from(catalog.ids), titles: catalog.titles };
}

export interface LoadedSplit {
  readonly train: SessionSet;
  readonly test: EvalCases;
}

export async function loadSplit(read: ArtifactReader, manifest: Manifest, nItems: number): Promise<LoadedSplit> {
  const ref = manifest.sessions;
  if (!ref) throw new InputError('sessions.bin', 'the manifest lists no sessions file (run `npm run cli -- prepare`)');
  return decodeSessions(await readVerified(read, ref), ref, nItems, ref.file);
}

export interface LoadedItemEmbeddings {
  readonly name: string;
  readonly vectors: DenseMatrix;
}

/** The item embeddings named `name` (default: the first listed), checked against the catalog size. */
export async function loadItemEmbeddings(read: ArtifactReader, manifest: Manifest, nItems: number, name?: string): Promise<LoadedItemEmbeddings> {
  const entry = name ? manifest.embeddings.find((e) => e.name === name) : manifest.embeddings[0];
  if (!entry) {
    throw new InputError(
      'manifest.json',
      name
        ? `has no embeddings named "${name}" (has: ${manifest.embeddings.map((e) => e.name).join(', ') || 'none'})`
        : 'lists no item embeddings (run `npm run cli -- embed`)',
    );
  }
  if (entry.count !== nItems) throw new InputError(entry.file, `holds ${entry.count} vectors for ${nItems} catalog items`);
  return { name: entry.name, vectors: decodeEmbeddings(await readVerified(read, entry), entry) };
}

export async function loadReport(read: ArtifactReader, manifest: Manifest): Promise<EvalReport | null> {
  const ref = manifest.evaluation;
  if (!ref) return null;
  return parseJsonFile(text(await readVerified(read, ref)), ref.file, EvalReport);
}

/** A trained model's files as downloaded and verified (deserialised per tfjs backend by its catalogue entry). */
export interface TrainedFiles {
  readonly entry: TrainedEntry;
  readonly json: string;
  readonly weights: Uint8Array;
}

export async function loadTrained(read: ArtifactReader, entry: TrainedEntry, nItems: number): Promise<TrainedFiles> {
  if (entry.nItems !== nItems) throw new InputError(entry.model.file, `scores ${entry.nItems} items, the catalog has ${nItems}: retrain it`);
  const json = text(await readVerified(read, entry.model));
  const weights = await readVerified(read, entry.weights);
  return { entry, json, weights };
}

/** Every trained model the manifest lists; a missing or corrupt file is a problem naming it, the others still load. */
export async function loadAllTrained(
  read: ArtifactReader,
  manifest: Manifest,
  nItems: number,
): Promise<{ files: TrainedFiles[]; problems: ArtifactProblem[] }> {
  const problems: ArtifactProblem[] = [];
  const loaded = await Promise.all(
    trainedEntries(manifest).map(async (entry) => {
      try {
        return await loadTrained(read, entry, nItems);
      } catch (e) {
        const file = e instanceof InputError ? e.file : entry.model.file;
        problems.push(problemOf(file, e));
        return null;
      }
    }),
  );
  return { files: loaded.filter((f): f is TrainedFiles => f !== null), problems };
}

/**
 * A dataset's artifacts for serving. The manifest and the catalog are required; every other
 * file is optional: a missing or corrupt one becomes a problem naming the file, and only the
 * models that need it stop.
 */
export interface LoadedArtifacts {
  readonly manifest: Manifest;
  readonly ids: Int32Array;
  readonly titles: string[];
  readonly split: LoadedSplit | null;
  readonly embeddings: LoadedItemEmbeddings | null;
  readonly report: EvalReport | null;
  readonly problems: ArtifactProblem[];
  /** Why session-based models cannot serve this catalog (e.g. an imported one), if so. */
  readonly sessionsNote?: string;
}

/** The files the first recommendation needs besides the manifest: catalog, sessions, the first embeddings, the report. */
export function firstFiles(manifest: Manifest): string[] {
  return firstRefs(manifest).map((r) => r.file);
}

/**
 * A reader that reads each file once: `prefetch` starts downloads early (all at once, before
 * the code that decodes them runs) and a later read of the same file takes the same bytes.
 */
export function onceReader(read: ArtifactReader): ArtifactReader {
  const started = new Map<string, Promise<Uint8Array>>();
  const get = (file: string) => {
    let p = started.get(file);
    if (!p) {
      p = read(file);
      p.catch(() => {}); // reported by the read that uses it
      started.set(file, p);
    }
    return p;
  };
  const once = Object.assign((file: string) => get(file), {
    prefetch: (files: readonly string[]) => void files.forEach(get),
    ...(read.stamp ? { stamp: read.stamp } : {}),
  });
  return once;
}

export async function loadArtifacts(read: ArtifactReader, progress: (msg: string) => void = () => {}): Promise<LoadedArtifacts> {
  progress('Loading manifest.json');
  // A malformed list entry disables only what it describes; the rest of the manifest serves.
  const { manifest, problems } = parseManifestEntries(text(await read('manifest.json')), 'manifest.json');
  // Every first file downloads at once (the catalog is decoded first, the others meanwhile).
  read.prefetch?.(firstFiles(manifest));
  progress(`Loading ${manifest.catalog.file}`);
  const { ids, titles } = await loadCatalog(read, manifest);
  read.stamp?.(manifest.catalog.file, 'done');
  const optional = async <T>(file: string, load: () => Promise<T>): Promise<T | null> => {
    try {
      progress(`Loading ${file}`);
      const r = await load();
      read.stamp?.(file, 'done');
      return r;
    } catch (e) {
      problems.push(problemOf(e instanceof InputError ? e.file : file, e));
      return null;
    }
  };
  const [split, embeddings, report] = await Promise.all([
    optional(manifest.sessions?.file ?? 'sessions.bin', () => loadSplit(read, manifest, ids.length)),
    optional(manifest.embeddings[0]?.file ?? 'embeddings', () => loadItemEmbeddings(read, manifest, ids.length)),
    optional(manifest.evaluation?.file ?? 'eval.json', () => loadReport(read, manifest)),
  ]);
  return { manifest, ids, titles, split, embeddings, report, problems };
}

export { httpReader } from './http-reader.js';
