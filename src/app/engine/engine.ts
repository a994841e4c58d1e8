import { type DenseMatrix, type DotKernelFactory, jsDotKernel, normalizeRows } from '../../core/vectors/matrix.js';
import { topKInto } from '../../core/vectors/topk.js';
import { fitModel, type ModelName, resolveConfig } from '../../recommenders/registry.js';
import type { Recommender } from '../../recommenders/types.js';
import { deserializeModel } from '../../neural/io.js';
import { seqRecommender } from '../../neural/recommender.js';
import type { LoadedArtifacts, SeqModelFiles } from './artifacts-client.js';
import type { ArtifactProblem, ModelRecommendations, ModelStatus } from './messages.js';

/** The models the app shows, in display order, and what each needs. */
export const APP_MODELS: readonly { name: ModelName; label: string; needs: readonly ('sessions' | 'embeddings')[] }[] = [
  { name: 'llmseqsim', label: 'LLMSeqSim', needs: ['embeddings'] },
  { name: 'v-sknn', label: 'V-SKNN', needs: ['sessions'] },
  { name: 'sknn-emb', label: 'SKNN-Emb', needs: ['sessions', 'embeddings'] },
  { name: 'sf-sknn', label: 'SF-SKNN', needs: ['sessions'] },
  { name: 's-sknn', label: 'S-SKNN', needs: ['sessions'] },
  { name: 'sknn', label: 'SKNN', needs: ['sessions'] },
  { name: 'mostpopular', label: 'MostPopular', needs: ['sessions'] },
];

/** Models that score through tfjs (and so depend on the selected backend). */
const USES_BACKEND = new Set<ModelName>(['llmseqsim']);
/** Fitted before the first recommendation; the others follow right after it. */
const FIRST = new Set<ModelName>(['llmseqsim', 'v-sknn', 'mostpopular']);

/**
 * Owns the fitted models for one dataset. Session-based models are fitted once; models that
 * score with tfjs (LLMSeqSim and the trained sequential models) are rebuilt whenever the
 * backend changes, so their tensors live on the running backend.
 */
export class Engine {
  private readonly models = new Map<string, Recommender>();
  private readonly statuses = new Map<string, ModelStatus>();
  private readonly popularity: Float64Array;
  /** Trained sequential models' files, once downloaded (listed in the manifest). */
  private seqFiles = new Map<string, SeqModelFiles>();
  private readonly seqProblems = new Map<string, string>();

  constructor(readonly artifacts: LoadedArtifacts) {
    this.popularity = new Float64Array(artifacts.ids.length);
    if (artifacts.split) for (const it of artifacts.split.train.items) this.popularity[it]++;
  }

  get itemPopularity(): Float64Array {
    return this.popularity;
  }

  /** The configuration the offline report used for a model, else its defaults. */
  private configFor(name: ModelName): object {
    const fromReport = this.artifacts.report?.results.find((r) => r.model === name)?.config;
    return resolveConfig(name, fromReport, fromReport ? 'eval.json' : 'defaults');
  }

  /** Display order: LLMSeqSim, the trained sequential models (manifest order), then the rest. */
  private order(): { name: string; label: string; usesBackend: boolean }[] {
    const registry = APP_MODELS.map((m) => ({ name: m.name as string, label: m.label, usesBackend: USES_BACKEND.has(m.name) }));
    const seq = (this.artifacts.manifest.sequentialModels ?? []).map((e) => ({ name: e.name, label: e.label, usesBackend: true }));
    return [registry[0], ...seq, ...registry.slice(1)];
  }

  /** The downloaded sequential models' files (and the problems of those that failed to load). */
  setSequential(files: readonly SeqModelFiles[], problems: readonly ArtifactProblem[]): void {
    this.seqFiles = new Map(files.map((f) => [f.entry.name, f]));
    for (const e of this.artifacts.manifest.sequentialModels ?? []) {
      const p = problems.find((x) => x.file.startsWith(`${e.name}/`));
      if (p) this.seqProblems.set(e.name, p.message);
    }
  }

  /** (Re)builds the sequential models on the running backend. */
  private fitSequential(): void {
    const { ids, split, sessionsNote } = this.artifacts;
    for (const entry of this.artifacts.manifest.sequentialModels ?? []) {
      const base = { name: entry.name, label: entry.label, usesBackend: true };
      this.models.get(entry.name)?.dispose?.();
      this.models.delete(entry.name);
      let reason: string | undefined;
      if (!split && sessionsNote) reason = sessionsNote;
      // Items added in the app come after the trained ones: the model scores the ones it knows.
      else if (ids.length < entry.nItems) reason = `trained on a ${entry.nItems}-item catalog; this one has ${ids.length} items`;
      else reason = this.seqProblems.get(entry.name);
      if (reason) {
        this.statuses.set(entry.name, { ...base, available: false, reason });
        continue;
      }
      const files = this.seqFiles.get(entry.name);
      if (!files) continue; // still downloading: shown as loading
      try {
        const model = deserializeModel(files.json, files.weights, entry.model.file);
        this.models.set(entry.name, seqRecommender(model, entry.name, model.config));
        this.statuses.set(entry.name, { ...base, available: true });
      } catch (e) {
        this.statuses.set(entry.name, { ...base, available: false, reason: (e as Error).message });
      }
    }
  }

  /**
   * (Re)fits models. `which` limits it: 'backend' refits just the tfjs ones after a backend
   * switch; 'first' fits the models shown first at start-up, 'rest' the others, 'sequential'
   * only the trained sequential models (once their files are in).
   */
  fit(dotKernel: DotKernelFactory, which: 'all' | 'backend' | 'first' | 'rest' | 'sequential' = 'all'): ModelStatus[] {
    if (which !== 'first') this.fitSequential();
    if (which === 'sequential') return this.status();
    const { split, embeddings, problems } = this.artifacts;
    for (const spec of APP_MODELS) {
      const usesBackend = USES_BACKEND.has(spec.name);
      if (which === 'backend' && !usesBackend) continue;
      if (which === 'first' && !FIRST.has(spec.name)) continue;
      if (which === 'rest' && FIRST.has(spec.name)) continue;
      if (which === 'backend' && !this.statuses.has(spec.name)) continue;
      this.models.get(spec.name)?.dispose?.();
      this.models.delete(spec.name);
      const missing: string[] = [];
      if (spec.needs.includes('sessions') && !split) {
        missing.push(this.artifacts.sessionsNote ?? problems.find((p) => p.file.includes('sessions'))?.message ?? 'no sessions file');
      }
      if (spec.needs.includes('embeddings') && !embeddings) {
        missing.push(problems.find((p) => p.file.includes('embeddings'))?.message ?? 'no embeddings');
      }
      if (missing.length > 0) {
        this.statuses.set(spec.name, { name: spec.name, label: spec.label, available: false, reason: missing.join('; '), usesBackend });
        continue;
      }
      try {
        const train = split?.train ?? { ids: new Int32Array(0), offsets: Int32Array.of(0), items: new Int32Array(0), times: new Float64Array(0) };
        const model = fitModel(spec.name, { train, nItems: this.artifacts.ids.length, embeddings: embeddings?.vectors, dotKernel }, this.configFor(spec.name));
        this.models.set(spec.name, model);
        this.statuses.set(spec.name, { name: spec.name, label: spec.label, available: true, usesBackend });
      } catch (e) {
        this.statuses.set(spec.name, { name: spec.name, label: spec.label, available: false, reason: (e as Error).message, usesBackend });
      }
    }
    return this.status();
  }

  /** Every app model's status; models not fitted (or downloaded) yet are listed as loading. */
  status(): ModelStatus[] {
    return this.order().map((m) => this.statuses.get(m.name) ?? { ...m, available: false, loading: true });
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

  /** Scores one throw-away session so the first real one does not pay for shader/kernel compilation. */
  async warmUp(): Promise<void> {
    if (this.artifacts.ids.length > 0) await this.recommend(Int32Array.of(0), 10);
  }

  /** Every available model's top-k for the session, with the time each took. */
  async recommend(session: Int32Array, k: number): Promise<ModelRecommendations[]> {
    const out: ModelRecommendations[] = [];
    for (const spec of this.order()) {
      const model = this.models.get(spec.name);
      if (!model) continue;
      const t0 = performance.now();
      const r = model.recommendAsync ? await model.recommendAsync(session, k, true) : model.recommend(session, k, true);
      const ms = performance.now() - t0;
      const n = r.items.indexOf(-1) < 0 ? r.items.length : r.items.indexOf(-1);
      out.push({
        model: spec.name,
        items: Array.from(r.items.subarray(0, n)),
        scores: Array.from(r.scores.subarray(0, n)),
        because: r.because ? Array.from(r.because.subarray(0, n)) : new Array<number>(n).fill(-1),
        ms,
      });
    }
    return out;
  }
}
