import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { SeqModelConfig } from '../neural/model.js';
import type { GradientPeer } from '../neural/train.js';
import type { PeerReply, PeerRequest } from './gradient-worker.js';

/**
 * Data-parallel training on more than one core (issue #10). tfjs-backend-wasm runs every kernel
 * on one thread in Node (its multi-threaded XNNPACK build does not use a second thread there:
 * bench/experiments/wasm-threads.ts), so each extra core gets a worker thread with its own
 * wasm backend and copy of the model; trainStep sends it the weights and a share of every
 * batch's rows, and adds the gradients it returns to its own.
 */
export interface WorkerPeer extends GradientPeer {
  close(): Promise<void>;
}

/** Cores on this machine: the most training threads worth starting (the default stays 1, see TrainOptions.threads). */
export function availableCores(): number {
  return Math.max(1, availableParallelism());
}

export async function startGradientPeer(config: SeqModelConfig): Promise<WorkerPeer> {
  const source = import.meta.url.endsWith('.ts');
  const url = new URL(source ? './gradient-worker.ts' : './gradient-worker.js', import.meta.url);
  // Run from source (tsx, Vitest), the thread registers tsx's loader before importing the worker:
  // Node 20 does not carry the parent's module hooks into worker threads.
  // (tsx/esm registers itself on the main thread only; its API's ESM build registers anywhere.)
  const tsxApi = source ? pathToFileURL(join(dirname(createRequire(import.meta.url).resolve('tsx/package.json')), 'dist', 'esm', 'api', 'index.mjs')).href : '';
  const worker = source
    ? new Worker(`import(${JSON.stringify(tsxApi)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(url.href)}); })`, { eval: true, workerData: config })
    : new Worker(url, { workerData: config });
  let nextId = 0;
  const waiting = new Map<number, { resolve: (r: { loss: number; grads: Map<string, Float32Array> }) => void; reject: (e: Error) => void }>();
  let failed: Error | null = null;
  const fail = (e: Error) => {
    failed = e;
    for (const w of waiting.values()) w.reject(e);
    waiting.clear();
  };
  const ready = new Promise<void>((resolve, reject) => {
    worker.on('message', (m: PeerReply) => {
      if (m.kind === 'ready') return resolve();
      const w = waiting.get(m.id);
      waiting.delete(m.id);
      if (m.kind === 'error') w?.reject(new Error(`gradient worker: ${m.message}`));
      else w?.resolve({ loss: m.loss, grads: m.grads });
    });
    worker.on('error', (e) => {
      reject(e);
      fail(e);
    });
    worker.on('exit', (code) => {
      const e = new Error(`gradient worker exited (code ${code})`);
      reject(e);
      fail(e);
    });
  });
  await ready;
  const send = (m: PeerRequest) => worker.postMessage(m);
  return {
    gradients(weights, part, scale) {
      if (failed) return Promise.reject(failed);
      const id = nextId++;
      return new Promise((resolve, reject) => {
        waiting.set(id, { resolve, reject });
        send({ kind: 'gradients', id, weights: new Map(weights), part, scale });
      });
    },
    reseedDropout(seed) {
      send({ kind: 'reseed', seed });
    },
    async close() {
      worker.removeAllListeners('exit');
      await worker.terminate();
    },
  };
}
