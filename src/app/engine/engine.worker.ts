/// <reference lib="webworker" />
import { type EarlyLoad, FedFiles, startDownloads } from './early-load.js';
import type { FromWorker, ToWorker } from './messages.js';
import type { ScoringWorker } from './scoring-worker.js';

/**
 * The scoring worker's entry. It is small on purpose: on the init message it starts the
 * downloads (early-load.ts) while the scoring code (tfjs and its backends, the models) is still
 * being fetched and compiled. Messages that arrive before that code runs are handed over in order.
 */
const scope = self as unknown as DedicatedWorkerGlobalScope;
const pending: ToWorker[] = [];
let worker: ScoringWorker | null = null;
let early: EarlyLoad | null = null;

/** Files the page's entry fetches for this worker (page-prefetch.ts), when its init says so. */
const fed = new FedFiles();

scope.onmessage = (ev: MessageEvent<ToWorker>) => {
  const msg = ev.data;
  if (msg.type === 'prefetched') {
    fed.receive(msg);
    return;
  }
  if (msg.type === 'loadCode') {
    void code.then(() => scope.postMessage({ type: 'codeLoaded' } satisfies FromWorker));
    return;
  }
  if (msg.type === 'init' && !early) {
    const progress = (message: string) => scope.postMessage({ type: 'progress', message } satisfies FromWorker);
    early = startDownloads(msg.baseUrl, msg.downloadTimeoutMs, progress, msg.prefetch ? fed : undefined);
    worker?.setEarly(early);
  }
  if (worker) worker.receive(msg);
  else pending.push(msg);
};

const code = import('./scoring-worker.js');
void code.then(({ ScoringWorker }) => {
  worker = new ScoringWorker(early);
  for (const msg of pending.splice(0)) worker.receive(msg);
});
