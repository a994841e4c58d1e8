import { sha256Hex } from '../../core/artifacts/sha256.js';
import { ARTIFACTS_CACHE, keyedUrl, splitArtifactUrl } from '../../sw/cache-keys.js';

/**
 * On a repeat visit the artifacts are read from Cache Storage directly (under their manifest
 * hash, see src/sw/artifact-cache.ts), without the trip through the service worker (that trip
 * was most of the download time). Used by the page's entry and the scoring worker's entry, so
 * it imports no schema code.
 */

/**
 * An artifact's bytes from Cache Storage, read once and checked against its manifest hash
 * (`sha256`: the caller need not hash them again); null when it is not cached, does not match
 * (the entry is deleted), or is not an artifact the manifest lists.
 */
export async function cachedArtifact(url: string, hashes: () => Promise<ReadonlyMap<string, string> | null>): Promise<{ bytes: Uint8Array<ArrayBuffer>; sha256: string } | null> {
  const abs = new URL(url, self.location.href);
  const artifact = splitArtifactUrl(abs); // null for the manifest
  if (typeof caches === 'undefined' || !artifact) return null;
  try {
    const sha = (await hashes())?.get(artifact.file);
    if (!sha) return null;
    const cache = await caches.open(ARTIFACTS_CACHE);
    const key = keyedUrl(abs, sha);
    const hit = await cache.match(key);
    if (!hit) return null;
    const bytes = new Uint8Array(await hit.arrayBuffer());
    if ((await sha256Hex(bytes)) === sha) return { bytes, sha256: sha };
    await cache.delete(key);
  } catch {
    // Cache Storage unavailable (e.g. a private window that refuses it): the network.
  }
  return null;
}
