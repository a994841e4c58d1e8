import { firstRefs } from './first-files.js';
import { InputError } from '../errors.js';
import type { EvalCases, SessionSet } from '../dataset/types.js';
import type { DenseMatrix } from '../vectors/matrix.js';
import { parseCheckedJson, parseJsonText, sameJson } from '../json.js';
import { decodeEmbeddings } from './embeddings.js';
import type { CatalogFile, FileRef, Manifest, TrainedEntry } from './manifest.js';
import type { EvalReport } from './report.js';
import { parseCatalogFile, trainedEntries, verifyFile } from './file-checks.js';
import { sha256Hex } from './sha256.js';
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

/**
 * Which file contents already passed their checks with this code (by sha256): a repeat load of
 * the same bytes takes JSON.parse's result instead of checking it again. The checks' result is a
 * function of the bytes and the checking code, so the key must change with the code (the
 * browser's memo is keyed by the build, app/engine/checked-memo.ts). With a memo, the schema
 * code (zod, manifest.ts and report.ts) is imported only when something must be checked: on a
 * repeat visit it is not evaluated before the first recommendation.
 */
export interface CheckedMemo {
  has(check: string, sha256: string): Promise<boolean>;
  add(check: string, sha256: string): void;
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
  const { parseManifest } = await import('./manifest.js');
  return parseManifest(text(await read('manifest.json')), 'manifest.json');
}

/**
 * The manifest for serving (a malformed list entry is dropped and named, see
 * parseManifestEntries). Remembered only when it had no problem and the schema's output is
 * the JSON itself (nothing stripped or defaulted), so the memo's answer is the check's.
 */
async function loadManifestEntries(bytes: Uint8Array, memo?: CheckedMemo): Promise<{ manifest: Manifest; problems: ArtifactProblem[] }> {
  const json = text(bytes);
  const sha = memo ? await sha256Hex(bytes) : '';
  if (memo && (await memo.has('manifest', sha))) return { manifest: parseCheckedJson(json) as Manifest, problems: [] };
  const { parseManifestEntries } = await import('./manifest.js');
  const checked = parseManifestEntries(json, 'manifest.json');
  if (memo && checked.problems.length === 0 && sameJson(checked.manifest, parseCheckedJson(json))) memo.add('manifest', sha);
  return checked;
}

export interface LoadedCatalog {
  readonly ids: Int32Array;
  readonly titles: string[];
}

export async function loadCatalog(read: ArtifactReader, manifest: Manifest, memo?: CheckedMemo): Promise<LoadedCatalog> {
  const ref = manifest.catalog;
  const json = text(await readVerified(read, ref));
  let catalog: CatalogFile;
  if (memo && (await memo.has('catalog', ref.sha256))) {
    const { dataset, ids, titles } = parseCheckedJson(json) as CatalogFile;
    catalog = { dataset, ids, titles };
  } else {
    catalog = parseCatalogFile(json, ref.file);
    memo?.add('catalog', ref.sha256);
  }
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

export async function loadReport(read: ArtifactReader, manifest: Manifest, memo?: CheckedMemo): Promise<EvalReport | null> {
  const ref = manifest.evaluation;
  if (!ref) return null;
  const json = text(await readVerified(read, ref));
  if (memo && (await memo.has('report', ref.sha256))) return parseCheckedJson(json) as EvalReport;
  const { EvalReport } = await import('./report.js');
  const report = parseJsonText(json, ref.file, EvalReport);
  if (memo && sameJson(report, parseCheckedJson(json))) memo.add('report', ref.sha256);
  return report;
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

/**
 * Every trained model the manifest lists, downloaded side by side; a missing or corrupt file is
 * a problem naming it, the others still load. `onEach` hears each model's files (or problem)
 * as soon as its own download ends.
 */
export async function loadAllTrained(
  read: ArtifactReader,
  manifest: Manifest,
  nItems: number,
  onEach?: (got: TrainedFiles | ArtifactProblem) => void,
): Promise<{ files: TrainedFiles[]; problems: ArtifactProblem[] }> {
  const problems: ArtifactProblem[] = [];
  const loaded = await Promise.all(
    trainedEntries(manifest).map(async (entry) => {
      try {
        const files = await loadTrained(read, entry, nItems);
        onEach?.(files);
        return files;
      } catch (e) {
        const file = e instanceof InputError ? e.file : entry.model.file;
        const problem = problemOf(file, e);
        problems.push(problem);
        onEach?.(problem);
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

export async function loadArtifacts(read: ArtifactReader, progress: (msg: string) => void = () => {}, memo?: CheckedMemo): Promise<LoadedArtifacts> {
  progress('Loading manifest.json');
  // A malformed list entry disables only what it describes; the rest of the manifest serves.
  const { manifest, problems } = await loadManifestEntries(await read('manifest.json'), memo);
  // Every first file downloads at once (the catalog is decoded first, the others meanwhile).
  read.prefetch?.(firstFiles(manifest));
  progress(`Loading ${manifest.catalog.file}`);
  const { ids, titles } = await loadCatalog(read, manifest, memo);
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
    optional(manifest.evaluation?.file ?? 'eval.json', () => loadReport(read, manifest, memo)),
  ]);
  return { manifest, ids, titles, split, embeddings, report, problems };
}

export { httpReader } from './http-reader.js';
