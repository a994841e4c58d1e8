/// <reference lib="webworker" />
import wasmPlain from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreaded from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import { tfjsDotKernel } from '../../tfjs/dot-kernel.js';
import { loadArtifacts } from './artifacts-client.js';
import { destroyDevice, deviceLost, selectBackend } from './backend.js';
import { Engine } from './engine.js';
import type { BackendChoice, BackendInfo, BackendName, FromWorker, ToWorker } from './messages.js';

/**
 * The scoring worker: it owns the artifacts, the fitted models and the tfjs backend, so the
 * page never stutters while a session is scored.
 */
const scope = self as unknown as DedicatedWorkerGlobalScope;
const WASM_PATHS = {
  'tfjs-backend-wasm.wasm': wasmPlain,
  'tfjs-backend-wasm-simd.wasm': wasmSimd,
  'tfjs-backend-wasm-threaded-simd.wasm': wasmThreaded,
};

let engine: Engine | null = null;
let backend: BackendInfo | null = null;
let backendGeneration = 0;
let requested: BackendChoice = 'auto';
const failed = new Set<BackendName>();
let queue: Promise<unknown> = Promise.resolve();
/** The models not needed for the first recommendation are fitted right after it. */
let restPending = false;

function post(msg: FromWorker, transfer: Transferable[] = []): void {
  scope.postMessage(msg, transfer);
}

/** Selects a backend (skipping failed ones), refits the tfjs models, and watches for device loss. */
async function useBackend(choice: BackendChoice, extraNotes: string[] = []): Promise<void> {
  const info = await selectBackend(choice, WASM_PATHS, failed);
  backend = { ...info, notes: [...extraNotes, ...info.notes] };
  if (engine) {
    engine.fit(tfjsDotKernel, 'backend');
    await engine.warmUp();
  }
  const generation = ++backendGeneration;
  if (info.name === 'webgpu') {
    void deviceLost().then((why) => {
      if (generation !== backendGeneration) return; // another backend took over meanwhile
      failed.add('webgpu');
      queue = queue.then(() => useBackend(requested, [`WebGPU device lost (${why}); fell back`]).then(announce));
    });
  }
}

function announce(): void {
  if (backend && engine) post({ type: 'backend', backend, models: engine.status() });
}

async function handle(msg: ToWorker): Promise<void> {
  switch (msg.type) {
    case 'init': {
      requested = msg.backend;
      const t0 = performance.now();
      // Files download while the compute backend starts.
      post({ type: 'progress', message: 'Loading the artifacts and starting the compute backend' });
      const [artifacts] = await Promise.all([
        loadArtifacts(msg.baseUrl, (u) => fetch(u), (m) => post({ type: 'progress', message: m })),
        useBackend(requested),
      ]);
      post({ type: 'progress', message: 'Indexing the models' });
      engine = new Engine(artifacts);
      const models = engine.fit(tfjsDotKernel, 'first');
      restPending = true;
      await engine.warmUp();
      const test = artifacts.split?.test ?? null;
      const popularity = engine.itemPopularity.slice();
      post(
        {
          type: 'ready',
          ids: artifacts.ids,
          titles: artifacts.titles,
          popularity,
          test,
          models,
          backend: backend!,
          problems: artifacts.problems,
          report: artifacts.report,
          loadMs: performance.now() - t0,
        },
        [popularity.buffer],
      );
      return;
    }
    case 'setBackend': {
      requested = msg.backend;
      failed.clear();
      await useBackend(requested);
      announce();
      return;
    }
    case 'loseDevice':
      destroyDevice();
      return;
    case 'recommend': {
      if (!engine || !backend) return;
      const session = Int32Array.from(msg.session);
      try {
        const results = await engine.recommend(session, msg.k);
        post({ type: 'results', id: msg.id, results, backend: backend.name });
      } catch (e) {
        // A backend that breaks mid-session: mark it failed, fall back, and score again.
        failed.add(backend.name);
        await useBackend(requested, [`${backend.name} failed while scoring (${(e as Error).message}); fell back`]);
        announce();
        const results = await engine.recommend(session, msg.k);
        post({ type: 'results', id: msg.id, results, backend: backend.name });
      }
      if (restPending) {
        restPending = false;
        engine.fit(tfjsDotKernel, 'rest');
        announce(); // the UI asks again with every model available
      }
      return;
    }
  }
}

scope.onmessage = (ev: MessageEvent<ToWorker>) => {
  queue = queue
    .then(() => handle(ev.data))
    .catch((e: unknown) => post({ type: 'fatal', message: e instanceof Error ? e.message : String(e) }));
};
