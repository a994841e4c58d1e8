import { CANDIDATES_ENDPOINT } from '../candidates-endpoint.js';
import { LIST_LENGTH } from '../list-length.js';
import { downloadTimeoutMs, storedSessionIds } from '../storage.js';
import { prefetchForWorker } from './page-prefetch.js';
import { recordCodeWarm, recordWorkerSpawned } from '../test-hooks.js';
import type { BackendChoice, FromWorker, ToWorker } from './messages.js';

/**
 * The scoring worker is started (and told to load) by the page's tiny entry module, before the
 * React bundle is even downloaded, so the worker boots and downloads the artifacts while the
 * page renders. Messages that arrive before the React hook subscribes are kept and replayed.
 * No React here: this module is part of the entry chunk.
 */
let early: { worker: Worker; key: string; buffered: FromWorker[] } | null = null;

/** The scoring worker's script (one place: Vite bundles the worker where it sees this call). */
function newEngineWorker(): Worker {
  return new Worker(new URL('./engine.worker.ts', import.meta.url), { type: 'module' });
}

/** Where warmEngineCode remembers the build whose code it warmed. */
const WARMED_KEY = 'llmseqrec:code-warmed';
/** A warm-up that has not answered by then is given up (the next visit tries again). */
const WARM_TIMEOUT_MS = 60_000;

/**
 * Makes the next visit's scoring code start from the browser's compiled-code cache. Chromium
 * keeps a script's compiled code only from the second time it loads it, so a shopper's second
 * visit compiled the scoring worker's code (~360 kB: the models, tfjs-core, zod) from scratch:
 * measured on second visits (`npm run bench:browser`, medians), its code was ready ~145 ms after
 * the worker started, ~90-97 ms with this warm-up. After the first visit's work (offline.ts
 * calls this once the offline cache is filled), a throw-away worker loads that code once more
 * and is closed; once per build (the key is this module's URL, whose hash changes with the
 * worker's file name).
 */
export async function warmEngineCode(): Promise<void> {
  const build = import.meta.url;
  try {
    if (localStorage.getItem(WARMED_KEY) === build) return recordCodeWarm('already', 0);
  } catch {
    return recordCodeWarm('failed', 0); // no storage: it could not remember, so it would warm on every visit
  }
  const t0 = performance.now();
  const w = newEngineWorker();
  try {
    const loaded = await new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), WARM_TIMEOUT_MS);
      w.onmessage = (ev: MessageEvent<FromWorker>) => {
        if (ev.data.type !== 'codeLoaded') return;
        clearTimeout(timer);
        resolve(true);
      };
      w.onerror = () => {
        clearTimeout(timer);
        resolve(false);
      };
      w.postMessage({ type: 'loadCode' } satisfies ToWorker);
    });
    if (!loaded) return recordCodeWarm('failed', performance.now() - t0);
    localStorage.setItem(WARMED_KEY, build);
    recordCodeWarm('warmed', performance.now() - t0);
  } catch {
    recordCodeWarm('failed', performance.now() - t0); // storage refused the write: the next visit warms again
  } finally {
    w.terminate();
  }
}

/** Starts the scoring worker on a dataset's artifacts; it answers the dataset's stored session (if any) by itself. */
export function spawnEngine(baseUrl: string, backend: BackendChoice, dataset?: string): Worker {
  recordWorkerSpawned();
  const stored = dataset === undefined ? null : storedSessionIds(dataset);
  const w = newEngineWorker();
  const timeoutMs = downloadTimeoutMs();
  const init: ToWorker = {
    type: 'init',
    baseUrl,
    backend,
    downloadTimeoutMs: timeoutMs,
    prefetch: true,
    ...(CANDIDATES_ENDPOINT ? { candidates: CANDIDATES_ENDPOINT } : {}),
    ...(stored ? { restore: { ids: stored, k: LIST_LENGTH } } : {}),
  };
  w.postMessage(init);
  // The page fetches the first files while the worker's script loads (page-prefetch.ts).
  prefetchForWorker(w, baseUrl, timeoutMs);
  return w;
}

export function startEngineEarly(baseUrl: string, backend: BackendChoice, dataset: string): void {
  const worker = spawnEngine(baseUrl, backend, dataset);
  const buffered: FromWorker[] = [];
  worker.onmessage = (ev: MessageEvent<FromWorker>) => void buffered.push(ev.data);
  early = { worker, key: `${baseUrl}|${backend}`, buffered };
}

/** The early worker, once (the hook that takes it owns it). */
export function takeEarlyEngine(): { worker: Worker; key: string; buffered: FromWorker[] } | null {
  const e = early;
  early = null;
  return e;
}
