/// <reference lib="webworker" />
import wasmPlain from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreaded from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import { tfjsDotKernel } from '../../tfjs/dot-kernel.js';
import { denseMatrix } from '../../core/vectors/matrix.js';
import { type LoadedArtifacts, loadArtifacts, loadSequentialModels, type SeqModelFiles } from './artifacts-client.js';
import { destroyDevice, deviceLost, selectBackend } from './backend.js';
import { Engine } from './engine.js';
import type { ArtifactProblem, BackendChoice, BackendInfo, BackendName, FromWorker, ToWorker } from './messages.js';

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
/** The dataset's own artifacts as loaded; imported catalogs and added items derive from them. */
let original: LoadedArtifacts | null = null;
let catalogName = '';
let embeddingsSource = '';
let backend: BackendInfo | null = null;
let backendGeneration = 0;
let requested: BackendChoice = 'auto';
const failed = new Set<BackendName>();
let queue: Promise<unknown> = Promise.resolve();
/** The models not needed for the first recommendation are fitted right after it. */
let restPending = false;
/** The trained sequential models download in the background after the first artifacts. */
let sequential: Promise<{ files: SeqModelFiles[]; problems: ArtifactProblem[] }> = Promise.resolve({ files: [], problems: [] });

/** Hands the downloaded sequential models to the engine (waiting for the download if needed). */
async function withSequential(e: Engine): Promise<ArtifactProblem[]> {
  const s = await sequential;
  e.setSequential(s.files, s.problems);
  return s.problems;
}

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
      queue = queue.then(() => useBackend(requested, [`WebGPU device lost (${why}); fell back`]).then(() => announce()));
    });
  }
}

function postCatalog(type: 'ready' | 'catalog', a: LoadedArtifacts, loadMs: number): void {
  if (!engine || !backend) return;
  const popularity = engine.itemPopularity.slice();
  post(
    {
      type,
      catalogName,
      imported: a.split === null && a.sessionsNote !== undefined,
      embeddingsSource,
      ids: a.ids,
      titles: a.titles,
      popularity,
      test: a.split?.test ?? null,
      models: engine.status(),
      backend,
      problems: a.problems,
      report: a.report,
      loadMs,
    },
    [popularity.buffer],
  );
}

type CatalogMessage = Extract<ToWorker, { type: 'useEmbeddings' | 'useCatalog' | 'restoreCatalog' | 'addItem' }>;

/** The artifacts after a catalog operation (the models are refitted on them). */
function nextArtifacts(msg: CatalogMessage, current: LoadedArtifacts, base: LoadedArtifacts): LoadedArtifacts {
  switch (msg.type) {
    case 'restoreCatalog':
      catalogName = base.manifest.dataset;
      embeddingsSource = base.embeddings ? `precomputed ${base.embeddings.name} (CLI)` : 'none';
      return base;
    case 'useEmbeddings': {
      embeddingsSource = msg.source;
      const vectors = denseMatrix(current.ids.length, msg.dim, msg.vectors);
      const problems = current.problems.filter((p) => !p.file.includes('embeddings'));
      return { ...current, embeddings: { name: msg.source, vectors }, problems };
    }
    case 'useCatalog': {
      catalogName = msg.name;
      embeddingsSource = msg.source;
      const n = msg.titles.length;
      return {
        ...current,
        ids: Int32Array.from({ length: n }, (_, i) => i),
        titles: msg.titles,
        split: null,
        report: null,
        problems: [],
        embeddings: { name: msg.source, vectors: denseMatrix(n, msg.dim, msg.vectors) },
        sessionsNote: `trained on ${base.manifest.dataset} sessions; not available for the imported catalog "${msg.name}"`,
      };
    }
    case 'addItem': {
      const e = current.embeddings?.vectors;
      if (!e) throw new Error('adding an item needs item embeddings');
      if (msg.vector.length !== e.cols) throw new Error(`the new item's vector has ${msg.vector.length} dims, the catalog ${e.cols}`);
      const data = new Float32Array((e.rows + 1) * e.cols);
      data.set(e.data);
      data.set(msg.vector, e.rows * e.cols);
      const ids = new Int32Array(current.ids.length + 1);
      ids.set(current.ids);
      ids[current.ids.length] = current.ids.reduce((m, x) => Math.max(m, x), -1) + 1;
      return {
        ...current,
        ids,
        titles: [...current.titles, msg.title],
        embeddings: { name: current.embeddings!.name, vectors: denseMatrix(e.rows + 1, e.cols, data) },
      };
    }
  }
}

function announce(problems?: ArtifactProblem[]): void {
  if (backend && engine) post({ type: 'backend', backend, models: engine.status(), ...(problems?.length ? { problems } : {}) });
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
      original = artifacts;
      sequential = loadSequentialModels(msg.baseUrl, (u) => fetch(u), artifacts.manifest);
      catalogName = artifacts.manifest.dataset;
      embeddingsSource = artifacts.embeddings ? `precomputed ${artifacts.embeddings.name} (CLI)` : 'none';
      engine = new Engine(artifacts);
      engine.fit(tfjsDotKernel, 'first');
      restPending = true;
      await engine.warmUp();
      postCatalog('ready', artifacts, performance.now() - t0);
      return;
    }
    case 'useEmbeddings':
    case 'useCatalog':
    case 'restoreCatalog':
    case 'addItem': {
      if (!engine || !original) return;
      const next = nextArtifacts(msg, engine.artifacts, original);
      engine = new Engine(next);
      await withSequential(engine);
      engine.fit(tfjsDotKernel);
      restPending = false;
      await engine.warmUp();
      postCatalog('catalog', next, 0);
      return;
    }
    case 'nearest': {
      if (!engine) return;
      const r = engine.nearest(msg.vector, msg.k);
      post({ type: 'nearest', id: msg.id, ...r });
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
        // The trained sequential models join when their download ends, without holding up
        // the messages queued meanwhile.
        const e = engine;
        void sequential.then(() => {
          queue = queue.then(async () => {
            if (engine !== e) return; // a catalog change made a new engine, which has them already
            const problems = await withSequential(e);
            e.fit(tfjsDotKernel, 'sequential');
            await e.warmUp(); // compiles their kernels before the next session change
            announce(problems);
          }).catch((err: unknown) => post({ type: 'fatal', message: err instanceof Error ? err.message : String(err) }));
        });
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
