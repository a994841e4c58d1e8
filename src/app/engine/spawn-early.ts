import { CANDIDATES_ENDPOINT } from '../candidates-endpoint.js';
import { LIST_LENGTH } from '../list-length.js';
import { downloadTimeoutMs, storedSessionIds } from '../storage.js';
import { prefetchForWorker } from './page-prefetch.js';
import { recordWorkerSpawned } from '../test-hooks.js';
import type { BackendChoice, FromWorker, ToWorker } from './messages.js';

/**
 * The scoring worker is started (and told to load) by the page's tiny entry module, before the
 * React bundle is even downloaded, so the worker boots and downloads the artifacts while the
 * page renders. Messages that arrive before the React hook subscribes are kept and replayed.
 * No React here: this module is part of the entry chunk.
 */
let early: { worker: Worker; key: string; buffered: FromWorker[] } | null = null;

/** Starts the scoring worker on a dataset's artifacts; it answers the dataset's stored session (if any) by itself. */
export function spawnEngine(baseUrl: string, backend: BackendChoice, dataset?: string): Worker {
  recordWorkerSpawned();
  const stored = dataset === undefined ? null : storedSessionIds(dataset);
  const w = new Worker(new URL('./engine.worker.ts', import.meta.url), { type: 'module' });
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
