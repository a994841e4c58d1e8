import type { FromEmbedder, ToEmbedder } from '../app/embed/messages.js';
import type { BackendName, CandidatesReport, FromWorker, ModelRecommendations, ModelStatus, ReadyPayload, ToWorker } from '../app/engine/messages.js';
import { fileOf, RecommenderError } from './errors.js';
import type {
  CatalogItem,
  ItemId,
  ModelInfo,
  Recommendations,
  RecommendedItem,
  Recommender,
  RecommenderOptions,
  RecommendOptions,
} from './types.js';

/**
 * A thin typed client over the scoring worker's message protocol (src/app/engine/messages.ts):
 * the worker downloads and verifies the artifacts under `baseUrl`, fits the models and scores;
 * this side maps the catalog's item ids to the worker's dense indices and back.
 */

function spawnEngine(): Worker {
  return new Worker(new URL('../app/engine/engine.worker.ts', import.meta.url), { type: 'module' });
}

function spawnEmbedder(): Worker {
  return new Worker(new URL('../app/embed/embed.worker.ts', import.meta.url), { type: 'module' });
}

/** The worker's answer to one request. */
interface Reply {
  readonly results: ModelRecommendations[];
  readonly backend: BackendName;
  readonly candidates?: CandidatesReport;
}

/** A model still being fitted or downloaded is waited for at most this long. */
const MODEL_WAIT_MS = 60_000;

export function createRecommender(options: RecommenderOptions): Promise<Recommender> {
  const baseUrl = options.baseUrl.endsWith('/') ? options.baseUrl : `${options.baseUrl}/`;
  const worker = spawnEngine();
  const client = new Client(worker, options);
  const init: ToWorker = { type: 'init', baseUrl, backend: options.backend ?? 'auto', ...(options.candidates ? { candidates: options.candidates } : {}) };
  worker.postMessage(init);
  return client.ready;
}

class Client implements Recommender {
  readonly ready: Promise<Recommender>;
  dataset = '';
  private ids: ItemId[] = [];
  private titles: string[] = [];
  private indexOf = new Map<ItemId, number>();
  private statuses: ModelStatus[] = [];
  private validation = new Map<string, number>();
  private backend: BackendName = 'cpu';
  private nextId = 1;
  /** Generative models answer after the others, in their own message: by `${request id}:${model}`. */
  private readonly generated = new Map<string, { resolve: (r: ModelRecommendations) => void; reject: (e: Error) => void }>();
  private readonly pending = new Map<number, { resolve: (r: Reply) => void; reject: (e: Error) => void }>();
  private readonly listeners = new Set<() => void>();
  private catalogWaiters: (() => void)[] = [];
  private disposed = false;
  private embedder: Worker | null = null;
  private readonly allowed: ReadonlySet<string> | null;

  constructor(
    private readonly worker: Worker,
    private readonly options: RecommenderOptions,
  ) {
    this.allowed = options.models ? new Set(options.models) : null;
    this.ready = new Promise<Recommender>((resolve, reject) => {
      worker.onmessage = (ev: MessageEvent<FromWorker>) => {
        const msg = ev.data;
        switch (msg.type) {
          case 'ready':
            this.setCatalog(msg);
            resolve(this);
            break;
          case 'catalog':
            this.setCatalog(msg);
            break;
          case 'backend':
            this.backend = msg.backend.name;
            this.statuses = msg.models;
            this.emit();
            break;
          case 'results': {
            const p = this.pending.get(msg.id);
            this.pending.delete(msg.id);
            p?.resolve({ results: msg.results, backend: msg.backend, ...(msg.candidates ? { candidates: msg.candidates } : {}) });
            break;
          }
          case 'generated': {
            const g = this.generated.get(`${msg.id}:${msg.model}`);
            this.generated.delete(`${msg.id}:${msg.model}`);
            if (!g) break;
            if (msg.result) g.resolve(msg.result);
            else g.reject(new RecommenderError('model-unavailable', `model "${msg.model}" could not generate: ${msg.error ?? 'unknown error'}`));
            break;
          }
          case 'fatal': {
            const file = fileOf(msg.message);
            const err = new RecommenderError(file ? 'artifact' : 'worker', msg.message, file);
            reject(err);
            for (const p of this.pending.values()) p.reject(err);
            this.pending.clear();
            break;
          }
          default:
            break;
        }
      };
      worker.onerror = (e) => {
        const err = new RecommenderError('worker', `the scoring worker failed: ${e.message}`);
        reject(err);
        for (const p of this.pending.values()) p.reject(err);
        this.pending.clear();
      };
    });
  }

  private setCatalog(p: ReadyPayload): void {
    this.dataset = p.catalogName;
    const previous = this.ids;
    this.ids = Array.from(p.ids);
    // Items added with addItem keep the id the caller gave them (the worker numbers them itself).
    for (let i = 0; i < Math.min(previous.length, this.ids.length); i++) this.ids[i] = previous[i];
    this.titles = p.titles;
    this.indexOf = new Map(this.ids.map((id, i) => [id, i]));
    this.statuses = p.models;
    this.backend = p.backend.name;
    this.validation = new Map(
      (p.report?.results ?? []).flatMap((r) => (r.validation?.['NDCG@20'] !== undefined ? [[r.model, r.validation['NDCG@20']] as const] : [])),
    );
    const waiters = this.catalogWaiters;
    this.catalogWaiters = [];
    waiters.forEach((w) => w());
    this.emit();
  }

  private emit(): void {
    for (const l of this.listeners) l();
  }

  private check(): void {
    if (this.disposed) throw new RecommenderError('disposed', 'the recommender was disposed');
  }

  catalog(): readonly CatalogItem[] {
    return this.ids.map((id, i) => ({ id, title: this.titles[i] }));
  }

  title(id: ItemId): string | undefined {
    const i = this.indexOf.get(id);
    return i === undefined ? undefined : this.titles[i];
  }

  models(): ModelInfo[] {
    return this.statuses
      .filter((s) => this.allowed === null || this.allowed.has(s.name))
      .map((s) => ({
        name: s.name,
        label: s.label,
        validationNdcg20: this.validation.get(s.name) ?? null,
        available: s.available,
        loading: Boolean(s.loading),
        ...(s.reason !== undefined ? { reason: s.reason } : {}),
      }));
  }

  bestModel(): string | null {
    let best: ModelInfo | null = null;
    for (const m of this.models()) {
      if (m.validationNdcg20 === null || !(m.available || m.loading)) continue;
      if (best === null || m.validationNdcg20 > (best.validationNdcg20 ?? -1)) best = m;
    }
    return best?.name ?? this.models().find((m) => m.available)?.name ?? null;
  }

  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Resolves when the model's status is no longer "loading" (it is fitted after the first request). */
  private settled(model: string): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        off();
        reject(new RecommenderError('model-unavailable', `model "${model}" was still loading after ${MODEL_WAIT_MS / 1000} s`));
      }, MODEL_WAIT_MS);
      const off = this.onChange(() => {
        if (this.statuses.find((s) => s.name === model)?.loading) return;
        clearTimeout(timer);
        off();
        resolve();
      });
    });
  }

  private score(session: number[], k: number, generative?: string): Promise<Reply> {
    const id = this.nextId++;
    const msg: ToWorker = { type: 'recommend', id, session, k };
    const generated = generative
      ? new Promise<ModelRecommendations>((resolve, reject) => this.generated.set(`${id}:${generative}`, { resolve, reject }))
      : null;
    const reply = new Promise<Reply>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage(msg);
    });
    if (!generated) return reply;
    // A generative model's answer follows the others' (see the worker): wait for it too.
    return reply.then(async (r) => ({ ...r, results: [...r.results, await generated] }));
  }

  async recommend(session: readonly ItemId[], options: RecommendOptions = {}): Promise<Recommendations> {
    this.check();
    const t0 = performance.now();
    const model = options.model ?? this.bestModel();
    if (model === null) throw new RecommenderError('model-unavailable', 'no model can serve this dataset');
    if (!this.models().some((m) => m.name === model)) {
      throw new RecommenderError('unknown-model', `unknown model "${model}" (models: ${this.models().map((m) => m.name).join(', ')})`);
    }
    const k = options.k ?? 10;
    const ignored: ItemId[] = [];
    const dense: number[] = [];
    for (const id of session) {
      const i = this.indexOf.get(id);
      if (i === undefined) ignored.push(id);
      else dense.push(i);
    }
    // A generative model answers in its own message once it is built (see score).
    const generativeNow = () => (this.statuses.find((s) => s.name === model && s.generative && s.available) ? model : undefined);
    let reply = await this.score(dense, k, generativeNow());
    let result = reply.results.find((r) => r.model === model);
    // The first request makes the worker fit the remaining models; the trained ones follow
    // their download. Wait for the requested one, then ask again.
    while (!result && this.statuses.find((s) => s.name === model)?.loading) {
      await this.settled(model);
      this.check();
      reply = await this.score(dense, k, generativeNow());
      result = reply.results.find((r) => r.model === model);
    }
    if (!result) {
      const status = this.statuses.find((s) => s.name === model);
      throw new RecommenderError('model-unavailable', `model "${model}" is not available${status?.reason ? `: ${status.reason}` : ''}`, status?.reason ? fileOf(status.reason) : undefined);
    }
    const explain = options.explain ?? true;
    const items: RecommendedItem[] = result.items.map((index, j) => {
      const b = result.because[j];
      return {
        id: this.ids[index],
        title: this.titles[index],
        score: result.scores[j],
        ...(explain && b >= 0 ? { because: { id: this.ids[b], title: this.titles[b] } } : {}),
      };
    });
    const c = reply.candidates;
    const candidates = c ? { candidates: { source: c.source, n: c.n, ms: c.ms, reranked: result.among !== undefined, ...(c.error ? { error: c.error } : {}) } } : {};
    return { items, model, backend: reply.backend, latencyMs: performance.now() - t0, ignored, ...candidates };
  }

  private embed(title: string): Promise<Float32Array> {
    if (!this.embedder) this.embedder = spawnEmbedder();
    const w = this.embedder;
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const onMessage = (ev: MessageEvent<FromEmbedder>) => {
        const msg = ev.data;
        if (msg.id !== id || msg.type === 'progress') return;
        w.removeEventListener('message', onMessage);
        if (msg.type === 'textsDone') resolve(msg.vectors.slice(0, msg.dim));
        else reject(new RecommenderError('add-item', msg.type === 'error' ? msg.message : `unexpected reply "${msg.type}" from the embedding worker`));
      };
      w.addEventListener('message', onMessage);
      const msg: ToEmbedder = { type: 'embedTexts', id, texts: [title], device: 'auto' };
      w.postMessage(msg);
    });
  }

  async addItem(item: CatalogItem): Promise<void> {
    this.check();
    if (!this.options.localEmbeddings) {
      throw new RecommenderError('add-item', 'adding items needs local embeddings: create the recommender with { localEmbeddings: true }');
    }
    if (this.indexOf.has(item.id)) throw new RecommenderError('add-item', `the catalog already has an item with id ${item.id}`);
    const vector = await this.embed(item.title);
    const n = this.ids.length;
    const added = new Promise<void>((resolve) => this.catalogWaiters.push(resolve));
    // The worker appends the item at index n; its id is the caller's.
    this.ids.push(item.id);
    this.titles = [...this.titles, item.title];
    this.indexOf.set(item.id, n);
    const msg: ToWorker = { type: 'addItem', title: item.title, vector };
    this.worker.postMessage(msg, [vector.buffer]);
    await added;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.worker.terminate();
    this.embedder?.terminate();
    const err = new RecommenderError('disposed', 'the recommender was disposed');
    for (const p of this.pending.values()) p.reject(err);
    this.pending.clear();
    this.listeners.clear();
  }
}
