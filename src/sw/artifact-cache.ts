import { type Manifest, parseManifest, sha256Hex } from '../core/artifacts/manifest.js';

/**
 * The service worker's rules for a dataset's artifacts, kept free of Workbox and of the
 * service-worker globals so they read (and test) like plain functions:
 * - an artifact's cache key is its URL plus `?v=<sha256 from the manifest>`, so a new file
 *   (new hash) never matches the old entry;
 * - a response is cached, and a cached one served, only if its bytes hash to that value;
 *   anything else is dropped and refetched (a corrupt cache entry heals itself, and a corrupt
 *   download is passed through uncached so the app names it).
 */

/** The Cache Storage cache of the artifacts (the service worker fills it; the scoring worker reads it too). */
export const ARTIFACTS_CACHE = 'llmseqrec-artifacts';

/** Every file a manifest lists, relative to the dataset folder, with its sha256. */
export function manifestFiles(m: Manifest): Map<string, string> {
  const files = new Map<string, string>();
  const add = (ref: { file: string; sha256: string } | undefined) => {
    if (ref) files.set(ref.file, ref.sha256);
  };
  add(m.catalog);
  add(m.sessions);
  add(m.evaluation);
  for (const e of m.embeddings) add(e);
  for (const s of m.sequentialModels ?? []) {
    add(s.model);
    add(s.weights);
    add(s.trainLog);
  }
  return files;
}

/** `.../models/<dataset>/` and the file path under it, for an artifact URL; null for other URLs. */
export function splitArtifactUrl(url: URL): { base: string; file: string } | null {
  const m = /^(.*\/models\/[^/]+\/)(.+)$/.exec(url.pathname);
  if (!m || m[2] === 'manifest.json') return null;
  return { base: `${url.origin}${m[1]}`, file: decodeURIComponent(m[2]) };
}

export function keyedUrl(url: URL, sha256: string): string {
  return `${url.origin}${url.pathname}?v=${sha256}`;
}

/** The sha256 a cache key names (its `v` parameter), or null. */
export function keyHash(key: string): string | null {
  const v = new URL(key).searchParams.get('v');
  return v && /^[0-9a-f]{64}$/.test(v) ? v : null;
}

export async function bytesMatch(res: Response, sha256: string): Promise<boolean> {
  const bytes = new Uint8Array(await res.clone().arrayBuffer());
  return (await sha256Hex(bytes)) === sha256;
}

/** Reads a manifest response; null if it is missing or invalid (the app reports that itself). */
export async function readManifest(res: Response | undefined): Promise<Manifest | null> {
  if (!res?.ok) return null;
  try {
    return parseManifest(await res.clone().text());
  } catch {
    return null;
  }
}
