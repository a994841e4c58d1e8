import { firstFiles, httpReader, loadArtifacts, type LoadedArtifacts, onceReader } from '../../core/artifacts/loader.js';
import type { ArtifactReader } from '../../core/artifacts/loader.js';
import { type FileStamps, timedReader } from '../../core/artifacts/load-timings.js';
import { parseManifestEntries } from '../../core/artifacts/manifest.js';
import { ARTIFACTS_CACHE, bytesMatch, keyedUrl, manifestFiles, splitArtifactUrl } from '../../sw/artifact-cache.js';

/** The dataset's downloads as started by the worker's entry, before the scoring code has loaded. */
export interface EarlyLoad {
  readonly read: ArtifactReader;
  readonly stamps: Map<string, FileStamps>;
  /** When loading started (the start of the start-up breakdown). */
  readonly t0: number;
  /**
   * The first recommendation's artifacts, downloaded, verified and decoded here, by the
   * worker's small entry, while the scoring code (tfjs, the models) is still being fetched and
   * compiled: decoding no longer waits for that code.
   */
  readonly artifacts: Promise<LoadedArtifacts>;
}

/**
 * A reader for the dataset's files (timed, each file read once) that starts downloading the
 * manifest now and, once it is in, every file of the first recommendation at once, and loads
 * them (see `artifacts`). A bad manifest is reported where `artifacts` is awaited, naming the file.
 */
export function startDownloads(baseUrl: string, downloadTimeoutMs?: number, progress?: (message: string) => void): EarlyLoad {
  const t0 = performance.now();
  const stamps = new Map<string, FileStamps>();
  let hashes: Promise<Map<string, string> | null> = Promise.resolve(null);
  const read = onceReader(timedReader(httpReader(baseUrl, cacheFirst(() => hashes), downloadTimeoutMs), stamps));
  const manifest = read('manifest.json').then((bytes) => parseManifestEntries(new TextDecoder().decode(bytes), 'manifest.json').manifest);
  hashes = manifest.then(manifestFiles, () => null);
  void manifest.then((m) => read.prefetch?.(firstFiles(m))).catch(() => {});
  const artifacts = loadArtifacts(read, progress);
  artifacts.catch(() => {}); // reported where it is awaited (the init message)
  return { read, stamps, t0, artifacts };
}

/**
 * fetch, but an artifact the service worker has cached (under its manifest hash, see
 * src/sw/artifact-cache.ts) is read from Cache Storage here, in the worker, without the trip
 * through the service worker (on a repeat visit that trip was most of the download time). An
 * entry whose bytes no longer match is deleted and the file fetched. Without Cache Storage, or
 * for a file the manifest does not list (and the manifest itself), it is plain fetch.
 */
function cacheFirst(hashes: () => Promise<Map<string, string> | null>): (url: string, init?: { signal?: AbortSignal }) => Promise<Response> {
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
