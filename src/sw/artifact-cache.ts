import { type Manifest, parseManifest, trainedEntries } from '../core/artifacts/manifest.js';
export { ARTIFACTS_CACHE, bytesMatch, keyedUrl, keyHash, splitArtifactUrl } from './cache-keys.js';

/**
 * The service worker's rules for a dataset's artifacts, kept free of Workbox and of the
 * service-worker globals so they read (and test) like plain functions:
 * - an artifact's cache key is its URL plus `?v=<sha256 from the manifest>`, so a new file
 *   (new hash) never matches the old entry;
 * - a response is cached, and a cached one served, only if its bytes hash to that value;
 *   anything else is dropped and refetched (a corrupt cache entry heals itself, and a corrupt
 *   download is passed through uncached so the app names it).
 */

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
  // The trained models of both kinds (LLMSeqPrompt's files were left out, so it failed offline).
  for (const t of trainedEntries(m)) {
    add(t.model);
    add(t.weights);
    add(t.trainLog);
  }
  return files;
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
