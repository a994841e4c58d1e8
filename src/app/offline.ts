import { warmEngineCode } from './engine/spawn-early.js';
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
    if (e.data?.type !== 'dataset-cached' || e.data.base !== base) return;
    recordOfflineCache(e.data.files ?? 0, e.data.cached ?? 0);
    // The first visit's work is done: the next visit's scoring code can be compiled for it now.
    void warmEngineCode();
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
  // After the first recommendation is shown (or a few seconds after the load event on a page that
  // shows none): caching reads and hashes every artifact (~12 MB), which on a repeat visit used to
  // compete with the first recommendation for the CPU.
  const loaded = new Promise<void>((resolve) => {
    if (document.readyState === 'complete') resolve();
    else window.addEventListener('load', () => resolve(), { once: true });
  });
  void Promise.race([shown, loaded.then(() => new Promise((r) => setTimeout(r, FALLBACK_MS)))]).then(start);
}

/** When a page shows no recommendation at all, caching starts this long after the load event. */
const FALLBACK_MS = 5000;
let markShown: () => void = () => {};
const shown = new Promise<void>((resolve) => (markShown = resolve));

/** The page's first recommendations are on screen: the offline cache may start filling now. */
export function firstRecommendationShown(): void {
  markShown();
}
