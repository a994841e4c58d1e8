/// <reference lib="webworker" />
/**
 * The app's service worker (Workbox, built by vite-plugin-pwa's injectManifest): the app shell
 * is precached at install; a dataset's artifacts are runtime-cached under keys that carry the
 * sha256 the dataset's manifest gives them (see artifact-cache.ts), so the app works offline
 * after the first visit, a new artifact replaces the old one, and a corrupt entry is refetched.
 * It never claims a page that loaded without it (no clientsClaim): a first visit runs
 * entirely on the network; the next load (or reload) is served by it.
 */
import type { WorkboxPlugin } from 'workbox-core';
import { cleanupOutdatedCaches, createHandlerBoundToURL, precacheAndRoute } from 'workbox-precaching';
import { NavigationRoute, registerRoute } from 'workbox-routing';
import { CacheFirst, NetworkFirst } from 'workbox-strategies';
import { ARTIFACTS_CACHE, bytesMatch, keyedUrl, keyHash, manifestFiles, readManifest, splitArtifactUrl } from './artifact-cache.js';

declare const self: ServiceWorkerGlobalScope & { __WB_MANIFEST: (string | { url: string; revision: string | null })[] };

const MANIFESTS = 'llmseqrec-manifests';
const ARTIFACTS = ARTIFACTS_CACHE;
/** Files under models/ that no manifest lists (the embedding model's folder): network first, cache for offline. */
const FILES = 'llmseqrec-files';

// A new version takes over at once (pages it controls switch to it); no page is claimed on a first visit.
self.addEventListener('install', () => void self.skipWaiting());

precacheAndRoute(self.__WB_MANIFEST);
cleanupOutdatedCaches();
registerRoute(new NavigationRoute(createHandlerBoundToURL('index.html')));

const sameOrigin = (url: URL) => url.origin === self.location.origin;
const isManifest = (url: URL) => sameOrigin(url) && /\/models\/[^/]+\/manifest\.json$/.test(url.pathname);

/** The manifest seen last (network first, so online it is always the current one). */
const manifests = new NetworkFirst({ cacheName: MANIFESTS, networkTimeoutSeconds: 5 });

/**
 * Each dataset's file -> sha256 table, read from the cached manifest once per manifest fetch
 * (every artifact request used to re-read and re-parse it from the cache, three times a file).
 */
const hashTables = new Map<string, Promise<Map<string, string> | null>>();
registerRoute(
  ({ url }) => isManifest(url),
  async (options) => {
    const res = await manifests.handle(options);
    hashTables.delete(options.url.href.replace(/manifest\.json$/, '')); // a new manifest may list new hashes
    return res;
  },
);

/** The sha256 the dataset's last-seen manifest gives an artifact URL, or null. */
async function expectedHash(url: URL): Promise<string | null> {
  const a = splitArtifactUrl(url);
  if (!a) return null;
  let table = hashTables.get(a.base);
  if (!table) {
    table = caches
      .open(MANIFESTS)
      .then((c) => c.match(`${a.base}manifest.json`))
      .then(readManifest)
      .then((m) => (m ? manifestFiles(m) : null));
    hashTables.set(a.base, table);
  }
  const files = await table;
  if (!files) hashTables.delete(a.base); // no manifest cached yet: look again next time
  return files?.get(a.file) ?? null;
}

const hashKeyed: WorkboxPlugin = {
  cacheKeyWillBeUsed: async ({ request }) => {
    const url = new URL(request.url);
    const h = await expectedHash(url);
    return h ? keyedUrl(url, h) : request;
  },
  // A cached entry is served only if its bytes still hash to its key; otherwise it is dropped and refetched.
  cachedResponseWillBeUsed: async ({ cacheName, request, cachedResponse }) => {
    if (!cachedResponse) return null;
    const h = keyHash(request.url);
    if (h && (await bytesMatch(cachedResponse, h))) return cachedResponse;
    await (await caches.open(cacheName)).delete(request);
    return null;
  },
  // Only a download that matches the manifest is stored; a bad one still reaches the app, which names it.
  cacheWillUpdate: async ({ request, response }) => {
    if (!response.ok) return null;
    const h = await expectedHash(new URL(request.url));
    return h && (await bytesMatch(response, h)) ? response : null;
  },
  // The new version of a file replaces the old one.
  cacheDidUpdate: async ({ cacheName, request }) => {
    const cache = await caches.open(cacheName);
    const url = new URL(request.url);
    for (const k of await cache.keys()) {
      const u = new URL(k.url);
      if (u.pathname === url.pathname && u.href !== url.href) await cache.delete(k);
    }
  },
};
const artifacts = new CacheFirst({ cacheName: ARTIFACTS, plugins: [hashKeyed] });
const unlisted = new NetworkFirst({ cacheName: FILES, networkTimeoutSeconds: 5 });

registerRoute(
  ({ url }) => sameOrigin(url) && splitArtifactUrl(url) !== null,
  async (options) => ((await expectedHash(options.url)) ? artifacts.handle(options) : unlisted.handle(options)),
);

/**
 * {type: 'cache-dataset', base: '<url of models/<dataset>/>'} from the page: fetches the
 * dataset's manifest and every file it lists into the cache (verified), and answers
 * {type: 'dataset-cached', files, cached}. The first visit is not served by this worker, so
 * this is how its artifacts get cached for the next (offline) one.
 */
self.addEventListener('message', (event: ExtendableMessageEvent) => {
  const data = event.data as { type?: string; base?: string } | null;
  if (data?.type !== 'cache-dataset' || typeof data.base !== 'string') return;
  const base = new URL(data.base, self.location.href);
  if (!sameOrigin(base)) return;
  event.waitUntil(
    (async () => {
      const manifestUrl = new URL('manifest.json', base);
      const [res, stored] = manifests.handleAll({ event, request: new Request(manifestUrl) });
      const m = await readManifest(await res);
      await stored;
      const files = m ? [...manifestFiles(m)] : [];
      let cached = 0;
      const cache = await caches.open(ARTIFACTS);
      for (const [file, sha] of files) {
        const url = new URL(file, base);
        try {
          // handleAll: the second promise settles once the cache write is done.
          const [, done] = artifacts.handleAll({ event, request: new Request(url) });
          await done;
          if (await cache.match(keyedUrl(url, sha))) cached++;
        } catch {
          // offline or missing: counted as not cached
        }
      }
      (event.source as Client | null)?.postMessage({ type: 'dataset-cached', base: base.href, files: files.length, cached });
    })(),
  );
});
