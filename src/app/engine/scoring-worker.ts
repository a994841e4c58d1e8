/// <reference lib="webworker" />
import wasmPlain from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreaded from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import {
  type ArtifactProblem,
  type ArtifactReader,
  loadAllTrained,
  type LoadedArtifacts,
  loadItemEmbeddings,
  problemOf,
  type TrainedFiles,
} from '../../core/artifacts/loader.js';
import { loadBreakdown } from '../../core/artifacts/load-timings.js';
import { type EarlyLoad, startDownloads } from './early-load.js';
import { type DenseMatrix, denseMatrix, jsDotKernel } from '../../core/vectors/matrix.js';
import { CATALOGUE } from '../../recommenders/catalogue.js';
import { tfjsDotKernel } from '../../tfjs/dot-kernel.js';
import { destroyDevice, deviceLost, selectBackend } from './backend.js';
import { type CandidateSource, httpCandidateSource } from '../../recommenders/candidates.js';
import { type Candidates, Engine } from './engine.js';
import type { BackendChoice, BackendInfo, BackendName, CandidatesReport, FromWorker, ReadyPayload, RemoteLlm, StartupTimings, ToWorker } from './messages.js';
import { MAX_SESSION_ITEMS, restoreSession } from '../../core/session/restore.js';

/**
 * The scoring worker: it owns the artifacts, the built models and the tfjs backend, so the page
 * never stutters while a session is scored. All of its state lives in one `ScoringWorker`;
 * engine.worker.ts (the worker's entry) starts the downloads before this module has loaded.
 */
const scope = self as unknown as DedicatedWorkerGlobalScope;
const WASM_PATHS = {
  'tfjs-backend-wasm.wasm': wasmPlain,
  'tfjs-backend-wasm-simd.wasm': wasmSimd,
  'tfjs-backend-wasm-threaded-simd.wasm': wasmThreaded,
};

/** The stored session the page sent, as the page will restore it (undefined: nothing of it is in the catalog). */
function restoredSession(a: LoadedArtifacts, restore: NonNullable<Extract<ToWorker, { type: 'init' }>['restore']>): ReadyPayload['restored'] {
  const indexOf = new Map<number, number>();
  a.ids.forEach((id, i) => indexOf.set(id, i));
  const { items } = restoreSession(restore.ids, (id) => (typeof id === 'number' ? indexOf.get(id) : undefined), MAX_SESSION_ITEMS);
  return items.length > 0 ? { session: items, k: restore.k } : undefined;
}

/** How long background work waits for the page to ask again after the models changed. */
const ASK_WAIT_MS = 250;

function post(msg: FromWorker, transfer: Transferable[] = []): void {
  scope.postMessage(msg, transfer);
}

/** What loads after the first recommendation: the trained models' files and the embeddings models name for themselves. */
interface Extras {
  readonly files: TrainedFiles[];
  readonly problems: ArtifactProblem[];
  readonly named: ReadonlyMap<string, DenseMatrix>;
}

/** One download of the extras that ended: a trained model's files, named embeddings, or a file that failed. */
type Arrival = { readonly files: TrainedFiles } | { readonly named: string; readonly vectors: DenseMatrix } | { readonly problem: ArtifactProblem };

/** The extras, downloaded side by side; `onEach` hears each one as soon as its own download ends. */
async function loadExtras(read: ArtifactReader, a: LoadedArtifacts, onEach: (got: Arrival) => void): Promise<Extras> {
  const wanted = new Set(CATALOGUE.map((m) => m.embeddings?.(a.manifest.dataset)).filter((n): n is string => n !== undefined));
  const named = new Map<string, DenseMatrix>();
  const namedProblems: ArtifactProblem[] = [];
  const [{ files, problems }] = await Promise.all([
    loadAllTrained(read, a.manifest, a.ids.length, (got) => onEach('entry' in got ? { files: got } : { problem: got })),
    ...a.manifest.embeddings
      .slice(1)
      .filter((entry) => wanted.has(entry.name))
      .map(async (entry) => {
        try {
          const { vectors } = await loadItemEmbeddings(read, a.manifest, a.ids.length, entry.name);
          named.set(entry.name, vectors);
          onEach({ named: entry.name, vectors });
        } catch (e) {
          const problem = problemOf(entry.file, e);
          namedProblems.push(problem);
          onEach({ problem });
        }
      }),
  ]);
  return { files, problems: [...problems, ...namedProblems], named };
}

type CatalogMessage = Extract<ToWorker, { type: 'useEmbeddings' | 'useCatalog' | 'restoreCatalog' | 'addItem' }>;

export class ScoringWorker {
  constructor(private early: EarlyLoad | null = null) {}

  /** The downloads the worker's entry started on the init message (which may arrive after this module loaded). */
  setEarly(early: EarlyLoad): void {
    this.early ??= early;
  }

  private engine: Engine | null = null;
  /** The dataset's own artifacts as loaded; imported catalogs and added items derive from them. */
  private original: LoadedArtifacts | null = null;
  private catalogName = '';
  private embeddingsSource = '';
  private backend: BackendInfo | null = null;
  private backendGeneration = 0;
  private requested: BackendChoice = 'auto';
  private readonly failed = new Set<BackendName>();
  /** Messages are handled one at a time, in order. */
  private queue: Promise<unknown> = Promise.resolve();
  /** The models not needed for the first recommendation are built right after it. */
  private restPending = false;
  /** The trained models download in the background after the first artifacts. */
  private trained: Promise<Extras> = Promise.resolve({ files: [], problems: [], named: new Map() });
  /**
   * The generative models' run for the latest session: outside the message queue, so it never
   * delays other messages; a newer session aborts it (it answers with the names finished so far).
   */
  private generation: { signal: { aborted: boolean }; done: Promise<void> } | null = null;
  /** Resolves when the tfjs backend has started (background builds wait for it). */
  private backendUp: Promise<void> = Promise.resolve();
  /** Backend choices the page made ('setBackend'): the start-up's own choice must not override a later one. */
  private choices = 0;
  /** Where the start-up time went (the first load only). */
  private startup: StartupTimings | undefined;
  /** A vector index outside the browser proposing each session's candidates, if configured. */
  private candidates: { source: CandidateSource; origin: string; n: number; checked?: Promise<void> } | null = null;

  /** Messages received and not handled yet: background work waits while there are any. */
  private waiting = 0;
  /** Work that must not delay a message (building the models not needed for the first answer). */
  private readonly background: (() => Promise<void>)[] = [];
  private backgroundRunning = false;

  /**
   * Until then background work waits for the page's answer to an announcement (a 'recommend'
   * with the models that just became available), so that answer is not queued behind the next
   * model's build; a page that does not ask delays the background by ASK_WAIT_MS at most.
   */
  private askBy = 0;

  /** A message from the page: handled in order, ahead of background work. */
  receive(msg: ToWorker): void {
    if (msg.type === 'recommend') this.askBy = 0;
    this.waiting++;
    this.enqueue(async () => {
      this.waiting--;
      await this.handle(msg);
    });
  }

  /**
   * Runs background tasks one at a time, each only when no message is waiting: a session change
   * that arrives while the remaining models are being built is answered after the current one.
   */
  private inBackground(task: () => Promise<void>): void {
    this.background.push(task);
    if (this.backgroundRunning) return;
    this.backgroundRunning = true;
    const step = (): void => {
      if (this.background.length === 0) {
        this.backgroundRunning = false;
        return;
      }
      if (this.waiting > 0 || performance.now() < this.askBy) {
        setTimeout(step, 1);
        return;
      }
      const next = this.background.shift()!;
      this.enqueue(next);
      void this.queue.then(() => setTimeout(step, 0));
    };
    setTimeout(step, 0);
  }

  enqueue(task: () => Promise<void>): void {
    this.queue = this.queue.then(task).catch((e: unknown) => post({ type: 'fatal', message: e instanceof Error ? e.message : String(e) }));
  }

  /** Hands the downloaded trained models to the engine (waiting for the download if needed). */
  private async withTrained(e: Engine): Promise<ArtifactProblem[]> {
    const s = await this.trained;
    e.setTrained(s.files, s.problems, s.named);
    return s.problems;
  }

  /** Selects a backend (skipping failed ones), rebuilds the tfjs models, and watches for device loss. */
  private async useBackend(choice: BackendChoice, extraNotes: string[] = []): Promise<void> {
    this.setBackend(await selectBackend(choice, WASM_PATHS, this.failed), extraNotes);
    await this.rebuildOnBackend();
  }

  /** Moves the models that score with tfjs onto the running backend (compiling their kernels). */
  private async rebuildOnBackend(): Promise<void> {
    if (this.engine) {
      this.engine.build(tfjsDotKernel, 'backend');
      await this.engine.warmUp();
    }
  }

  /** The backend that now runs, and a watch for the loss of its WebGPU device. */
  private setBackend(info: BackendInfo, extraNotes: string[] = []): void {
    this.backend = { ...info, notes: [...extraNotes, ...info.notes] };
    const generation = ++this.backendGeneration;
    if (info.name === 'webgpu') {
      void deviceLost().then((why) => {
        if (generation !== this.backendGeneration) return; // another backend took over meanwhile
        this.failed.add('webgpu');
        this.enqueue(async () => {
          await this.useBackend(this.requested, [`WebGPU device lost (${why}); fell back`]);
          this.announce();
        });
      });
    }
  }

  private postCatalog(type: 'ready' | 'catalog', a: LoadedArtifacts, loadMs: number, restored?: ReadyPayload['restored']): void {
    if (!this.engine || !this.backend) return;
    const popularity = this.engine.itemPopularity.slice();
    post(
      {
        type,
        catalogName: this.catalogName,
        imported: a.split === null && a.sessionsNote !== undefined,
        embeddingsSource: this.embeddingsSource,
        ids: a.ids,
        titles: a.titles,
        popularity,
        test: a.split?.test ?? null,
        models: this.engine.status(),
        backend: this.backend,
        problems: a.problems,
        report: a.report,
        loadMs,
        ...(type === 'ready' && this.startup ? { startup: this.startup } : {}),
        ...(restored ? { restored } : {}),
      },
      [popularity.buffer],
    );
  }

  /** The artifacts after a catalog operation (the models are rebuilt on them). */
  private nextArtifacts(msg: CatalogMessage, current: LoadedArtifacts, base: LoadedArtifacts): LoadedArtifacts {
    switch (msg.type) {
      case 'restoreCatalog':
        this.catalogName = base.manifest.dataset;
        this.embeddingsSource = base.embeddings ? `precomputed ${base.embeddings.name} (CLI)` : 'none';
        return base;
      case 'useEmbeddings': {
        this.embeddingsSource = msg.source;
        const vectors = denseMatrix(current.ids.length, msg.dim, msg.vectors);
        const problems = current.problems.filter((p) => !p.file.includes('embeddings'));
        return { ...current, embeddings: { name: msg.source, vectors }, problems };
      }
      case 'useCatalog': {
        this.catalogName = msg.name;
        this.embeddingsSource = msg.source;
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

  private announce(problems?: ArtifactProblem[]): void {
    this.askBy = performance.now() + ASK_WAIT_MS;
    if (this.backend && this.engine) post({ type: 'backend', backend: this.backend, models: this.engine.status(), ...(problems?.length ? { problems } : {}) });
  }

  /**
   * After the first recommendation, in the background (a session change goes first): the other
   * models one by one, then the trained ones when their download ends.
   */
  private buildRest(engine: Engine): void {
    this.restPending = false;
    // They are built on tfjs: after its backend has started (the first answer may not have waited).
    void this.backendUp.then(() => this.buildRestNow(engine));
  }

  private buildRestNow(engine: Engine): void {
    const rest = engine.pendingModels('rest');
    rest.forEach((name, i) =>
      this.inBackground(async () => {
        if (this.engine !== engine) return;
        engine.build(tfjsDotKernel, 'rest', name);
        if (i === rest.length - 1) this.announce(); // the UI asks again with every model available
      }),
    );
    // Then the trained models, each as soon as its own download ends (see buildArrived).
    this.arrivalsFor = engine;
    this.buildArrived(engine);
    void this.trained.then(() => this.buildArrived(engine, true));
  }

  /** A download of the extras ended: the first engine takes it once its other models are built. */
  private arrive(got: Arrival): void {
    this.arrivals.push(got);
    if (this.arrivalsFor) this.buildArrived(this.arrivalsFor);
  }

  /**
   * Hands the downloads that ended to the engine, then builds the models they completed one at a
   * time, each warmed up (its kernels compiled: seconds per model on a software GPU) and
   * announced, so the page shows each as soon as it can score rather than all after the slowest.
   * `settled`: every download has ended, and what is still missing did not load.
   */
  private buildArrived(engine: Engine, settled = false): void {
    this.inBackground(async () => {
      if (this.engine !== engine) {
        this.arrivals = []; // a catalog change made a new engine, which has them all (withTrained)
        return;
      }
      const problems: ArtifactProblem[] = [];
      for (const got of this.arrivals.splice(0)) {
        if ('files' in got) engine.addTrained(got.files);
        else if ('named' in got) engine.addNamed(got.named, got.vectors);
        else {
          engine.addProblem(got.problem);
          problems.push(got.problem);
        }
      }
      if (settled) engine.settleTrained();
      if (problems.length > 0) this.announce(problems);
      for (const name of engine.pendingModels('trained')) {
        this.inBackground(async () => {
          if (this.engine !== engine || !engine.pendingModels('trained').includes(name)) return;
          engine.build(tfjsDotKernel, 'trained', name);
          await engine.warmUp(name);
          this.announce();
        });
      }
    });
  }
  /** Extras that arrived and are not handed to the first engine yet. */
  private arrivals: Arrival[] = [];
  /** The engine the arrivals go to, once its other models are built (the first one only). */
  private arrivalsFor: Engine | null = null;

  /** Aborts the generative run and waits for it, before the models it uses are rebuilt or replaced. */
  private async stopGeneration(): Promise<void> {
    const g = this.generation;
    if (!g) return;
    g.signal.aborted = true;
    await g.done;
  }

  /** Runs the generative models for a session after the others answered; each posts its own message. */
  private startGeneration(engine: Engine, session: Int32Array, id: number, k: number, remote?: RemoteLlm): void {
    if (this.generation) this.generation.signal.aborted = true;
    const models = engine.generativeModels();
    if (models.length === 0) return; // (an empty session gets an empty answer: callers may wait for one)
    const signal = { aborted: false };
    const previous = this.generation?.done ?? Promise.resolve();
    const done = (async () => {
      await previous; // one generation at a time: the aborted one stops at its next step
      for (const model of models) {
        if (signal.aborted) return;
        try {
          const result = remote
            ? { ...(await engine.remoteGenerate(model, session, k, remote)), remote: new URL(remote.endpoint).origin }
            : await engine.generate(model, session, k, signal);
          post({ type: 'generated', id, model, result });
        } catch (e) {
          post({ type: 'generated', id, model, result: null, error: e instanceof Error ? e.message : String(e) });
        }
      }
    })();
    this.generation = { signal, done };
  }

  /**
   * The session's candidates from the configured vector index (none configured, or an empty
   * session: none). A failed request is reported with the results, which then cover the catalog.
   */
  private async fetchCandidates(engine: Engine, session: Int32Array): Promise<{ among?: Candidates; report?: CandidatesReport }> {
    const c = this.candidates;
    // The index holds the dataset's items: an imported catalog is scored here as a whole.
    const own = this.catalogName === this.original?.manifest.dataset;
    const query = c && own ? engine.candidateQuery(session) : null;
    if (!c || !query) return {};
    const t0 = performance.now();
    try {
      c.checked ??= this.checkIndex(c.source);
      await c.checked;
      const got = await c.source.candidates(query, c.n);
      const items = engine.candidateRows(got.ids);
      if (items.length === 0 && got.ids.length > 0) {
        throw new Error(`none of the ${got.ids.length} candidate ids is in the catalog "${this.catalogName}" (an index of another dataset?)`);
      }
      return { among: { items, source: c.origin }, report: { source: c.origin, n: items.length, ms: performance.now() - t0 } };
    } catch (e) {
      return { report: { source: c.origin, n: 0, ms: performance.now() - t0, error: e instanceof Error ? e.message : String(e) } };
    }
  }

  /**
   * Once: the index must hold this dataset's items (as many rows as the catalog, vectors of the
   * embeddings' width), or its answers would name other items; until the page reloads, a
   * mismatch fails every request (the models then score the catalog) with the reason.
   */
  private async checkIndex(source: CandidateSource): Promise<void> {
    const a = this.original;
    if (!source.info || !a) return;
    const info = await source.info();
    const dim = a.embeddings?.vectors.cols;
    if (info.rows !== a.ids.length || (dim !== undefined && info.dim !== dim)) {
      throw new Error(
        `the index has ${info.rows} rows of ${info.dim} dims, the catalog "${a.manifest.dataset}" ${a.ids.length} items of ${dim ?? '?'} dims (an index of another dataset?)`,
      );
    }
  }

  async handle(msg: ToWorker): Promise<void> {
    if (msg.type !== 'recommend' && msg.type !== 'nearest') await this.stopGeneration();
    switch (msg.type) {
      case 'init': {
        this.requested = msg.backend;
        if (msg.candidates) {
          const { n = 200, timeoutMs = 5000 } = msg.candidates;
          const endpoint = new URL(msg.candidates.endpoint, scope.location.href); // a path: this origin (behind a proxy)
          this.candidates = { source: httpCandidateSource(endpoint.href, { timeoutMs }), origin: endpoint.origin, n };
        }
        const tCode = performance.now(); // the scoring code has loaded (this module runs)
        const { read, stamps, t0: startedAt, artifacts: loading } = this.early ?? startDownloads(msg.baseUrl, msg.downloadTimeoutMs, (message) => post({ type: 'progress', message }));
        // Files download while the compute backend starts.
        post({ type: 'progress', message: 'Loading the artifacts and starting the compute backend' });
        // The first answer does not wait for tfjs (its backend takes ~0.3-0.6 s to start): if the
        // artifacts are in first, the first models score with the plain-JS kernel and move to
        // tfjs, in the message queue, once it is up.
        let started: BackendInfo | null = null;
        let backendAt = 0;
        const backend = selectBackend(this.requested, WASM_PATHS, this.failed).then((info) => {
          backendAt = performance.now();
          started = info;
          return info;
        });
        this.backendUp = backend.then(
          () => {},
          () => {},
        );
        const artifacts = await loading;
        // Loading started here, or earlier in the page (which fetched the first files for this worker).
        const t0 = startedAt();
        const loaded = loadBreakdown(stamps, t0);
        const tLoaded = performance.now();
        post({ type: 'progress', message: 'Indexing the models' });
        this.original = artifacts;
        // The trained models' downloads start once the first answer is out: started here, their
        // fetches and reads ran between the first models' scoring steps and delayed it.
        let startExtras = (): void => {};
        this.trained = new Promise<void>((resolve) => (startExtras = resolve)).then(() => loadExtras(read, artifacts, (got) => this.arrive(got)));
        this.catalogName = artifacts.manifest.dataset;
        this.embeddingsSource = artifacts.embeddings ? `precomputed ${artifacts.embeddings.name} (CLI)` : 'none';
        this.engine = new Engine(artifacts);
        const now: BackendInfo | null = started;
        if (now) this.setBackend(now);
        else {
          this.backend = { name: 'cpu', requested: this.requested, notes: [], starting: true };
          const choicesAtStart = this.choices;
          backend.then(
            (info) =>
              this.enqueue(async () => {
                if (this.choices !== choicesAtStart) return; // the page chose a backend meanwhile: that one runs
                this.setBackend(info);
                await this.rebuildOnBackend();
                this.announce();
              }),
            (e: unknown) => post({ type: 'fatal', message: `no compute backend could start: ${e instanceof Error ? e.message : String(e)}` }),
          );
        }
        this.engine.build(now ? tfjsDotKernel : jsDotKernel, 'first');
        const tIndexed = performance.now();
        this.restPending = true;
        // The stored session, answered now (it warms the first models up, as a throw-away session would).
        const restored = msg.restore ? restoredSession(artifacts, msg.restore) : undefined;
        if (!restored) await this.engine.warmUp();
        const tWarm = performance.now();
        const backendMs = backendAt > 0 ? backendAt - t0 : 0;
        this.startup = { ...loaded, backendMs, startMs: t0, codeMs: tCode - t0, loadedMs: tLoaded - t0, indexMs: tIndexed - tLoaded, warmUpMs: tWarm - tIndexed };
        this.postCatalog('ready', artifacts, performance.now() - t0, restored);
        try {
          if (restored) await this.handle({ type: 'recommend', id: 0, session: [...restored.session], k: restored.k });
        } finally {
          startExtras();
        }
        return;
      }
      case 'useEmbeddings':
      case 'useCatalog':
      case 'restoreCatalog':
      case 'addItem': {
        if (!this.engine || !this.original) return;
        const next = this.nextArtifacts(msg, this.engine.artifacts, this.original);
        this.engine = new Engine(next);
        await this.withTrained(this.engine);
        this.engine.build(tfjsDotKernel);
        this.restPending = false;
        await this.engine.warmUp();
        this.postCatalog('catalog', next, 0);
        return;
      }
      case 'nearest': {
        if (!this.engine) return;
        post({ type: 'nearest', id: msg.id, ...this.engine.nearest(msg.vector, msg.k) });
        return;
      }
      case 'setBackend': {
        this.choices++;
        // The start-up's backend selection first (it sets tfjs's global backend when it ends), then this one.
        await this.backendUp;
        this.requested = msg.backend;
        this.failed.clear();
        await this.useBackend(this.requested);
        this.announce();
        return;
      }
      case 'loseDevice':
        destroyDevice();
        return;
      case 'prefetched':
      case 'loadCode':
        return; // the worker's entry takes these (early-load.ts, warmEngineCode)
      case 'recommend': {
        const engine = this.engine;
        if (!engine || !this.backend) return;
        // The previous session's generation stops at its next step: it must not share the
        // backend with this session's scoring (it starts again for this session afterwards).
        if (this.generation) this.generation.signal.aborted = true;
        const session = Int32Array.from(msg.session);
        const { among, report } = await this.fetchCandidates(engine, session);
        const answer = async (): Promise<void> => {
          const results = await engine.recommend(session, msg.k, among);
          post({ type: 'results', id: msg.id, results, backend: this.backend!.name, ...(report ? { candidates: report } : {}) });
        };
        try {
          await answer();
        } catch (e) {
          // A backend that breaks mid-session: mark it failed, fall back, and score again.
          this.failed.add(this.backend.name);
          await this.useBackend(this.requested, [`${this.backend.name} failed while scoring (${(e as Error).message}); fell back`]);
          this.announce();
          await answer();
        }
        if (this.restPending) this.buildRest(engine);
        this.startGeneration(engine, session, msg.id, msg.k, msg.remote);
        return;
      }
    }
  }
}
