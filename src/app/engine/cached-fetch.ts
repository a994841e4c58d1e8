import { ARTIFACTS_CACHE, bytesMatch, keyedUrl, splitArtifactUrl } from '../../sw/cache-keys.js';

/** fetch's shape as the artifact readers use it. */
export type Fetcher = (url: string, init?: { signal?: AbortSignal }) => Promise<Response>;

/**
 * fetch, but an artifact the service worker has cached (under its manifest hash, see
 * src/sw/artifact-cache.ts) is read from Cache Storage directly, without the trip through the
 * service worker (on a repeat visit that trip was most of the download time). An entry whose
 * bytes no longer match is deleted and the file fetched. Without Cache Storage, or for a file
 * the manifest does not list (and the manifest itself), it is plain fetch. Used by the page's
 * entry and the scoring worker's entry, so it imports no schema code.
 */
export function cacheFirst(hashes: () => Promise<ReadonlyMap<string, string> | null>): Fetcher {
  return async (url, init) => {
    const abs = new URL(url, self.location.href);
    const artifact = splitArtifactUrl(abs); // null for the manifest
    if (typeof caches !== 'undefined' && artifact) {
      try {
        const sha = (await hashes())?.get(artifact.file);
        if (sha) {
          const cache = await caches.open(ARTIFACTS_CACHE);
          const key = keyedUrl(abs, sha);
          const hit = await cache.match(key);
          if (hit && (await bytesMatch(hit, sha))) return hit;
          if (hit) await cache.delete(key);
        }
      } catch {
        // Cache Storage unavailable (e.g. a private window that refuses it): the network.
      }
    }
    return fetch(abs.href, init);
  };
}
