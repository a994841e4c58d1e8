import type { LoadedArtifacts, TrainedFiles } from '../../core/artifacts/loader.js';
import { trainedEntries } from '../../core/artifacts/file-checks.js';
import { itemCounts } from '../../core/dataset/item-sessions.js';
import type { SessionSet } from '../../core/dataset/types.js';
import { type DenseMatrix, type DotKernelFactory, jsDotKernel, normalizeRows } from '../../core/vectors/matrix.js';
import { topKInto } from '../../core/vectors/topk.js';
import { CATALOGUE, type ModelEntry, resolveConfig } from '../../recommenders/catalogue.js';
import { completionName, itemName, recsysPrompt } from '../../core/prompt/format.js';
import { buildNameIndex, mapGeneratedNames, type NameIndex } from '../../core/prompt/mapping.js';
import { OpenAiLlm, PAPER_PARAMS } from '../../llm/openai-llm.js';
import { LlmSeqSimConfig } from '../../recommenders/llmseqsim.js';
import type { Ranked, Recommender } from '../../recommenders/types.js';
import { aggregateSession } from '../../core/session/aggregate.js';
import type { ArtifactProblem, ModelRecommendations, ModelStatus, RemoteLlm } from './messages.js';

/** Items a vector index proposed for a session (dense indices), and where they came from. */
export interface Candidates {
  readonly items: Int32Array;
  /** The index's origin (shown next to the models that re-ranked them). */
  readonly source: string;
}

const NO_SESSIONS: SessionSet = { ids: new Int32Array(0), offsets: Int32Array.of(0), items: new Int32Array(0), times: new Float64Array(0) };

/** Which models a (re)build covers: all, those on the tfjs backend, the start-up ones, the rest, or the trained ones. */
export type BuildScope = 'all' | 'backend' | 'first' | 'rest' | 'trained';

/**
 * Owns the built models for one catalog, every one of them an entry of the model catalogue.
 * Session-based models are fitted once; models that score with tfjs (LLMSeqSim, the trained
 * models and the hybrids over them) are rebuilt whenever the backend changes, so their tensors
 * live on the running backend.
 */
export class Engine {
  private readonly models = new Map<string, Recommender>();
  private readonly statuses = new Map<string, ModelStatus>();
  private readonly popularity: Float64Array;
  /** Trained models' files, once downloaded (listed in the manifest), and the problems of those that failed. */
  private readonly trained = new Map<string, TrainedFiles>();
  private readonly trainedProblems = new Map<string, string>();
  private trainedLoaded = false;
  /** Item embeddings some models name for themselves (e.g. llmseqsim-ft's tuned vectors), by manifest name. */
  private readonly named = new Map<string, DenseMatrix>();
  private readonly listed: ReadonlySet<string>;

  constructor(readonly artifacts: LoadedArtifacts) {
    this.popularity = artifacts.split ? itemCounts(artifacts.split.train, artifacts.ids.length) : new Float64Array(artifacts.ids.length);
    this.listed = new Set(trainedEntries(artifacts.manifest).map((m) => m.name));
  }

  get itemPopularity(): Float64Array {
    return this.popularity;
  }

  /**
   * The configuration a model runs with and where it comes from: the offline report's
   * (eval.json, checked against the manifest), else the defaults, which the status says.
   */
  private configFor(m: ModelEntry): { config: object; note?: string } {
    // Asked for often (every listing of the shown models): checked against its schema once per engine.
    let c = this.configs.get(m.name);
    if (!c) this.configs.set(m.name, (c = this.resolveConfigFor(m)));
    return c;
  }
  private readonly configs = new Map<string, { config: object; note?: string }>();

  private resolveConfigFor(m: ModelEntry): { config: object; note?: string } {
    const fromReport = this.artifacts.report?.results.find((r) => r.model === m.name)?.config;
    if (fromReport && !m.trained) return { config: resolveConfig(m.name, fromReport, 'eval.json') };
    if (m.trained) return { config: m.defaults };
    const why = this.artifacts.report ? `eval.json has no ${m.name} config` : 'eval.json did not load';
    return { config: resolveConfig(m.name, undefined, 'defaults'), note: `runs on its default configuration (${why})` };
  }

  /** The trained model a model needs (itself, or the one a hybrid's config names). */
  private trainedNeeded(m: ModelEntry, config: object): string | undefined {
    if (!m.needs.includes('weights')) return undefined;
    return m.trained ? m.name : (config as { sequential?: string }).sequential;
  }

  /** The models the app shows for this catalog, in the catalogue's order (trained ones, or ones with their own embeddings, only if the manifest lists them). */
  private shown(): ModelEntry[] {
    const dataset = this.artifacts.manifest.dataset;
    return CATALOGUE.filter((m) => {
      const own = m.embeddings?.(dataset);
      if (own && !this.artifacts.manifest.embeddings.some((e) => e.name === own)) return false;
      if (!m.needs.includes('weights')) return true;
      const seq = this.trainedNeeded(m, this.configFor(m).config);
      return seq !== undefined && this.listed.has(seq);
    });
  }

  /** The downloaded trained models' files (and the problems of those that failed to load), all at once. */
  setTrained(files: readonly TrainedFiles[], problems: readonly ArtifactProblem[], named: ReadonlyMap<string, DenseMatrix> = new Map()): void {
    for (const f of files) this.addTrained(f);
    for (const [name, v] of named) this.addNamed(name, v);
    for (const p of problems) this.addProblem(p);
    this.settleTrained();
  }

  /** One trained model's files, as its download ends (the models that need only it can then be built). */
  addTrained(files: TrainedFiles): void {
    this.trained.set(files.entry.name, files);
  }

  /** Item embeddings a model names for itself, as their download ends. */
  addNamed(name: string, vectors: DenseMatrix): void {
    this.named.set(name, vectors);
  }

  /** A trained model's (or named embeddings') file that failed: the models needing it are unavailable, saying why. */
  addProblem(problem: ArtifactProblem): void {
    const e = trainedEntries(this.artifacts.manifest).find((x) => problem.file.startsWith(`${x.name}/`));
    if (e) this.trainedProblems.set(e.name, problem.message);
    const named = this.artifacts.manifest.embeddings.find((x) => x.file === problem.file);
    if (named) this.namedProblems.set(named.name, problem.message);
  }
  private readonly namedProblems = new Map<string, string>();

  /** Every download after the first answer has ended: what is still missing did not load. */
  settleTrained(): void {
    this.trainedLoaded = true;
  }

  /** Why a model cannot be built now (undefined: it can; 'loading': its files are still downloading). */
  private missing(m: ModelEntry, config: object): string | 'loading' | undefined {
    const { split, embeddings, problems, sessionsNote, ids } = this.artifacts;
    const reasons: string[] = [];
    if (m.needs.includes('sessions') && !split) {
      reasons.push(sessionsNote ?? problems.find((p) => p.file.includes('sessions'))?.message ?? 'no sessions file');
    }
    const own = m.embeddings?.(this.artifacts.manifest.dataset);
    if (own) {
      const entry = this.artifacts.manifest.embeddings.find((e) => e.name === own);
      const v = this.named.get(own);
      if (entry && problems.some((p) => p.file === entry.file)) reasons.push(problems.find((p) => p.file === entry.file)!.message);
      else if (this.namedProblems.has(own)) reasons.push(this.namedProblems.get(own)!);
      else if (!v) return this.trainedLoaded ? `its embeddings ${own} did not load` : 'loading';
      else if (v.rows !== ids.length) reasons.push(`its embeddings ${own} cover ${v.rows} items; this catalog has ${ids.length}`);
    } else if (m.needs.includes('embeddings') && !embeddings) reasons.push(problems.find((p) => p.file.includes('embeddings'))?.message ?? 'no embeddings');
    const seq = this.trainedNeeded(m, config);
    if (seq) {
      const entry = trainedEntries(this.artifacts.manifest).find((e) => e.name === seq);
      if (!split && sessionsNote) reasons.push(sessionsNote);
      // Items added in the app come after the trained ones: the model scores the ones it knows.
      else if (entry && ids.length < entry.nItems) reasons.push(`trained on a ${entry.nItems}-item catalog; this one has ${ids.length} items`);
      else if (this.trainedProblems.has(seq)) reasons.push(this.trainedProblems.get(seq)!);
      else if (!this.trained.has(seq)) return reasons.length ? reasons.join('; ') : 'loading';
    }
    return reasons.length ? [...new Set(reasons)].join('; ') : undefined;
  }

  private inScope(m: ModelEntry, scope: BuildScope): boolean {
    switch (scope) {
      case 'all':
        return true;
      case 'backend':
        return m.needs.includes('backend') && this.statuses.has(m.name);
      case 'first':
        return m.startup === 'first';
      case 'rest':
        return m.startup !== 'first' && !m.needs.includes('weights') && !m.embeddings;
      case 'trained':
        // Those whose files have arrived (or failed) and are not built yet.
        return (m.needs.includes('weights') || m.embeddings !== undefined) && !this.statuses.has(m.name) && this.missing(m, this.configFor(m).config) !== 'loading';
    }
  }

  /** The shown models a build of `scope` covers (e.g. to build them one at a time). */
  pendingModels(scope: BuildScope): string[] {
    return this.shown()
      .filter((m) => this.inScope(m, scope))
      .map((m) => m.name);
  }

  /** (Re)builds the models in `scope` (only `only`, if given) and returns every shown model's status. */
  build(dotKernel: DotKernelFactory, scope: BuildScope = 'all', only?: string): ModelStatus[] {
    const { split, embeddings, ids } = this.artifacts;
    for (const m of this.shown()) {
      if (!this.inScope(m, scope) || (only !== undefined && m.name !== only)) continue;
      const usesBackend = m.needs.includes('backend');
      const base = { name: m.name, label: m.label, usesBackend, ...(m.family === 'generative' ? { generative: true } : {}) };
      this.models.get(m.name)?.dispose?.();
      this.models.delete(m.name);
      const { config, note } = this.configFor(m);
      const why = this.missing(m, config);
      if (why === 'loading') continue;
      if (why) {
        this.statuses.set(m.name, { ...base, available: false, reason: why });
        continue;
      }
      try {
        const own = m.embeddings?.(this.artifacts.manifest.dataset);
        const vectors = own ? this.named.get(own) : embeddings?.vectors;
        const model = m.build({ train: split?.train ?? NO_SESSIONS, nItems: ids.length, embeddings: vectors, dotKernel, trained: this.trained }, config);
        this.models.set(m.name, model);
        this.statuses.set(m.name, { ...base, available: true, ...(note ? { note } : {}) });
      } catch (e) {
        this.statuses.set(m.name, { ...base, available: false, reason: (e as Error).message });
      }
    }
    return this.status();
  }

  /** Every shown model's status; models not built (or downloaded) yet are listed as loading. */
  status(): ModelStatus[] {
    return this.shown().map(
      (m) =>
        this.statuses.get(m.name) ?? {
          name: m.name,
          label: m.label,
          usesBackend: m.needs.includes('backend'),
          available: false,
          loading: true,
          ...(m.family === 'generative' ? { generative: true } : {}),
        },
    );
  }

  /** Catalog items nearest (cosine) to a vector, e.g. a free-text query's embedding. */
  nearest(vector: Float32Array, k: number): { items: number[]; scores: number[] } {
    const e = this.artifacts.embeddings?.vectors;
    if (!e) throw new Error('no item embeddings are loaded');
    if (vector.length !== e.cols) throw new Error(`the query vector has ${vector.length} dims, the items ${e.cols}`);
    this.unit ??= normalizeRows(e);
    const scores = new Float32Array(e.rows);
    jsDotKernel(this.unit).dot(vector, 1, scores);
    const items = new Int32Array(k);
    const top = new Float32Array(k);
    const n = topKInto(scores, k, items, top);
    return { items: Array.from(items.subarray(0, n)), scores: Array.from(top.subarray(0, n)) };
  }
  private unit: DenseMatrix | null = null;

  /**
   * Scores one throw-away session so the first real one does not pay for shader/kernel
   * compilation: with every built model, or only the one named.
   */
  async warmUp(only?: string): Promise<void> {
    if (this.artifacts.ids.length > 0) await this.score(Int32Array.of(0), 10, undefined, only);
  }

  /**
   * Every available model's top-k for the session, with the time each took. Generative models
   * (seconds per session) are not among them: they answer through `generate`, after these.
   * With `among` (candidates from a vector index outside the browser), the models that can
   * re-rank given items (LLMSeqSim, the trained sequential models) score only those; the
   * others score the catalog as always.
   */
  recommend(session: Int32Array, k: number, among?: Candidates): Promise<ModelRecommendations[]> {
    return this.score(session, k, among);
  }

  private async score(session: Int32Array, k: number, among?: Candidates, only?: string): Promise<ModelRecommendations[]> {
    const out: ModelRecommendations[] = [];
    for (const m of this.shown()) {
      const model = this.models.get(m.name);
      if (!model || m.family === 'generative' || (only !== undefined && m.name !== only)) continue;
      const t0 = performance.now();
      if (among && model.recommendAmong) {
        const r = await model.recommendAmong(session, among.items, k, true);
        out.push({ ...toMessage(m.name, r, performance.now() - t0), among: { source: among.source, n: among.items.length } });
        continue;
      }
      const r = model.recommendAsync ? await model.recommendAsync(session, k, true) : model.recommend(session, k, true);
      out.push(toMessage(m.name, r, performance.now() - t0));
    }
    return out;
  }

  /**
   * The query for a vector index of this catalog's item vectors: the session's embedding as
   * LLMSeqSim aggregates it (its configured aggregation and decay, over the unreduced vectors,
   * which is what `cli index` stores). Null when there are no item vectors or no session.
   */
  candidateQuery(session: Int32Array): Float32Array | null {
    const e = this.artifacts.embeddings?.vectors;
    const entry = CATALOGUE.find((m) => m.name === 'llmseqsim');
    if (!e || !entry || session.length === 0) return null;
    const config = LlmSeqSimConfig.parse(this.configFor(entry).config);
    const q = new Float32Array(e.cols);
    aggregateSession(session.filter((i) => i >= 0 && i < e.rows), config.aggregation, config.decay, e, q);
    return q;
  }

  /**
   * The catalog rows of an index's answer, by the dataset item ids it returns (not its row
   * numbers, which a stale index could have from another catalog): ids not in this catalog are
   * dropped, and so are repeats.
   */
  candidateRows(ids: readonly number[]): Int32Array {
    this.rowOfId ??= new Map(Array.from(this.artifacts.ids, (id, i) => [id, i]));
    const seen = new Set<number>();
    const rows: number[] = [];
    for (const id of ids) {
      const r = this.rowOfId.get(id);
      if (r === undefined || seen.has(r)) continue;
      seen.add(r);
      rows.push(r);
    }
    return Int32Array.from(rows);
  }
  private rowOfId: Map<number, number> | null = null;

  /** The built generative models, in the catalogue's order. */
  generativeModels(): string[] {
    return this.shown()
      .filter((m) => m.family === 'generative' && this.models.has(m.name))
      .map((m) => m.name);
  }

  /**
   * LLMSeqPrompt through an OpenAI-compatible endpoint (the RecSys'23 prompt of the session's
   * last 20 item names, the paper's sampling): its names are mapped to items as the local
   * model's are, exact catalog titles first, the others to the nearest items by the item
   * vectors (names embedded with the local model's token table). The session leaves the device.
   */
  async remoteGenerate(name: string, session: Int32Array, k: number, remote: RemoteLlm): Promise<ModelRecommendations> {
    const model = this.models.get(name);
    const vectors = this.artifacts.embeddings?.vectors;
    if (!model?.embedNames || !vectors) throw new Error(`${name} is not built (its name table maps the endpoint's names to items)`);
    const t0 = performance.now();
    const titles = this.artifacts.titles;
    const prompt = recsysPrompt(Array.from(session.subarray(Math.max(0, session.length - 20)), (i) => itemName(titles, i)));
    const llm = new OpenAiLlm({ baseUrl: remote.endpoint, apiKey: remote.apiKey ?? '', concurrency: 1, maxRetries: 2 });
    const [texts] = await llm.completeAll(remote.model, [prompt], PAPER_PARAMS);
    this.titleIndex ??= buildNameIndex(titles);
    const embedNames = model.embedNames.bind(model);
    const mapped = await mapGeneratedNames(texts.map(completionName).filter((t) => t !== ''), session, k, {
      index: this.titleIndex,
      itemVectors: vectors,
      embed: async (t) => embedNames(t),
    });
    const scores = Float32Array.from(mapped.items, (it, i) => (it >= 0 ? mapped.items.length - i : -Infinity));
    return toMessage(name, { items: mapped.items, scores, generated: mapped.generated }, performance.now() - t0);
  }
  private titleIndex: NameIndex | null = null;

  /** A generative model's names for the session, mapped to items; stops early once `signal.aborted`. */
  async generate(name: string, session: Int32Array, k: number, signal: { readonly aborted: boolean }): Promise<ModelRecommendations> {
    const model = this.models.get(name);
    if (!model?.recommendAsync) throw new Error(`${name} is not built`);
    const t0 = performance.now();
    return toMessage(name, await model.recommendAsync(session, k, true, signal), performance.now() - t0);
  }
}

function toMessage(model: string, r: Ranked, ms: number): ModelRecommendations {
  const n = r.items.indexOf(-1) < 0 ? r.items.length : r.items.indexOf(-1);
  return {
    model,
    items: Array.from(r.items.subarray(0, n)),
    scores: Array.from(r.scores.subarray(0, n)),
    because: r.because ? Array.from(r.because.subarray(0, n)) : new Array<number>(n).fill(-1),
    ms,
    ...(r.generated ? { generated: r.generated.slice(0, n) } : {}),
  };
}
