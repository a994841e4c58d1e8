import { decodeEmbeddings } from '../../core/artifacts/embeddings.js';
import { CatalogFile, type Manifest, parseJsonFile, parseManifest, type SeqModelEntry, verifyFile } from '../../core/artifacts/manifest.js';
import { EvalReport } from '../../core/artifacts/report.js';
import { decodeSessions } from '../../core/artifacts/sessions.js';
import type { EvalCases, SessionSet } from '../../core/dataset/types.js';
import type { DenseMatrix } from '../../core/vectors/matrix.js';
import type { ArtifactProblem } from './messages.js';

/**
 * Loads a dataset's artifacts over HTTP, each checked against the manifest (size, sha256,
 * shape). The manifest and the catalog are required; every other file is optional: a missing
 * or corrupt one becomes a problem naming the file, and only the models that need it stop.
 */
export interface LoadedArtifacts {
  readonly manifest: Manifest;
  readonly ids: Int32Array;
  readonly titles: string[];
  readonly split: { train: SessionSet; test: EvalCases } | null;
  readonly embeddings: { name: string; vectors: DenseMatrix } | null;
  readonly report: EvalReport | null;
  readonly problems: ArtifactProblem[];
  /** Why session-based models cannot serve this catalog (e.g. an imported one), if so. */
  readonly sessionsNote?: string;
}

export type Fetcher = (url: string) => Promise<Response>;

async function getBytes(fetcher: Fetcher, baseUrl: string, file: string): Promise<Uint8Array> {
  let res: Response;
  try {
    res = await fetcher(`${baseUrl}${file}`);
  } catch (e) {
    throw new Error(`${file}: could not be fetched (${(e as Error).message})`);
  }
  if (!res.ok) throw new Error(`${file}: HTTP ${res.status} ${res.statusText || ''}`.trim());
  return new Uint8Array(await res.arrayBuffer());
}

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

export async function loadArtifacts(baseUrl: string, fetcher: Fetcher, progress: (msg: string) => void): Promise<LoadedArtifacts> {
  progress('Loading manifest.json');
  const manifest = parseManifest(new TextDecoder().decode(await getBytes(fetcher, baseUrl, 'manifest.json')), 'manifest.json');
  progress(`Loading ${manifest.catalog.file}`);
  const catalogBytes = await getBytes(fetcher, baseUrl, manifest.catalog.file);
  await verifyFile(catalogBytes, manifest.catalog);
  const catalog = parseJsonFile(new TextDecoder().decode(catalogBytes), manifest.catalog.file, CatalogFile);
  if (catalog.ids.length !== manifest.catalog.count) {
    throw new Error(`${manifest.catalog.file}: has ${catalog.ids.length} items, the manifest says ${manifest.catalog.count}`);
  }
  const nItems = catalog.ids.length;
  const problems: ArtifactProblem[] = [];
  const problem = (file: string, e: unknown) => {
    const msg = message(e);
    problems.push({ file, message: msg.startsWith(file) ? msg : `${file}: ${msg}` });
  };

  const [split, embeddings, report] = await Promise.all([
    (async () => {
      const ref = manifest.sessions;
      if (!ref) {
        problems.push({ file: 'sessions.bin', message: 'the manifest lists no sessions file (run `npm run cli -- prepare`)' });
        return null;
      }
      try {
        progress(`Loading ${ref.file}`);
        const bytes = await getBytes(fetcher, baseUrl, ref.file);
        await verifyFile(bytes, ref);
        return decodeSessions(bytes, ref, nItems, ref.file);
      } catch (e) {
        problem(ref.file, e);
        return null;
      }
    })(),
    (async () => {
      const entry = manifest.embeddings[0];
      if (!entry) {
        problems.push({ file: 'embeddings', message: 'the manifest lists no item embeddings (run `npm run cli -- embed`)' });
        return null;
      }
      try {
        progress(`Loading ${entry.file}`);
        const bytes = await getBytes(fetcher, baseUrl, entry.file);
        await verifyFile(bytes, entry);
        if (entry.count !== nItems) throw new Error(`${entry.file}: holds ${entry.count} vectors for ${nItems} catalog items`);
        return { name: entry.name, vectors: decodeEmbeddings(bytes, entry) };
      } catch (e) {
        problem(entry.file, e);
        return null;
      }
    })(),
    (async () => {
      const ref = manifest.evaluation;
      if (!ref) return null;
      try {
        const bytes = await getBytes(fetcher, baseUrl, ref.file);
        await verifyFile(bytes, ref);
        return parseJsonFile(new TextDecoder().decode(bytes), ref.file, EvalReport);
      } catch (e) {
        problem(ref.file, e);
        return null;
      }
    })(),
  ]);
  return { manifest, ids: Int32Array.from(catalog.ids), titles: catalog.titles, split, embeddings, report, problems };
}

/** A sequential model's files as downloaded and verified (deserialised per backend by the engine). */
export interface SeqModelFiles {
  readonly entry: SeqModelEntry;
  readonly json: string;
  readonly weights: Uint8Array;
}

/**
 * Downloads the trained sequential models the manifest lists, each file checked against its
 * entry. A missing or corrupt file makes a problem naming it; the other models still load.
 */
export async function loadSequentialModels(
  baseUrl: string,
  fetcher: Fetcher,
  manifest: Manifest,
): Promise<{ files: SeqModelFiles[]; problems: ArtifactProblem[] }> {
  const problems: ArtifactProblem[] = [];
  const loaded = await Promise.all(
    (manifest.sequentialModels ?? []).map(async (entry): Promise<SeqModelFiles | null> => {
      let file = entry.model.file;
      try {
        const modelBytes = await getBytes(fetcher, baseUrl, entry.model.file);
        await verifyFile(modelBytes, entry.model);
        file = entry.weights.file;
        const weights = await getBytes(fetcher, baseUrl, entry.weights.file);
        await verifyFile(weights, entry.weights);
        return { entry, json: new TextDecoder().decode(modelBytes), weights };
      } catch (e) {
        const msg = message(e);
        problems.push({ file, message: msg.startsWith(file) ? msg : `${file}: ${msg}` });
        return null;
      }
    }),
  );
  return { files: loaded.filter((f): f is SeqModelFiles => f !== null), problems };
}
