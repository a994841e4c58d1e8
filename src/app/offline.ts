import { recordOfflineCache } from './test-hooks.js';

/**
 * Offline after the first visit: registers the service worker (src/sw/sw.ts, production builds
 * only) and, once it runs, asks it to cache this dataset's artifacts (checked against the
 * manifest's sha256). The first visit itself is served by the network; the next load works
 * without it. `window.__llmseqrecOffline` tells how many of the manifest's files are cached.
 */

export function enableOffline(datasetBase: string): void {
  if (!import.meta.env.PROD || !('serviceWorker' in navigator)) return;
  const base = new URL(datasetBase, location.href).href;
  navigator.serviceWorker.addEventListener('message', (e: MessageEvent<{ type?: string; base?: string; files?: number; cached?: number }>) => {
    if (e.data?.type === 'dataset-cached' && e.data.base === base) recordOfflineCache(e.data.files ?? 0, e.data.cached ?? 0);
  });
  const start = async () => {
    try {
      await navigator.serviceWorker.register(`${import.meta.env.BASE_URL}sw.js`, { scope: import.meta.env.BASE_URL });
      const reg = await navigator.serviceWorker.ready;
      reg.active?.postMessage({ type: 'cache-dataset', base });
    } catch (e) {
      console.warn(`offline cache unavailable: ${(e as Error).message}`);
    }
  };
  // After the page's own downloads (load event), so caching never competes with the first recommendation.
  if (document.readyState === 'complete') void start();
  else window.addEventListener('load', () => void start(), { once: true });
}
