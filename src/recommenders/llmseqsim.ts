import { z } from 'zod';
import type { EvalCases } from '../core/dataset/types.js';
import type { RecLists } from '../core/metrics/metrics.js';
import { aggregateSession } from '../core/session/aggregate.js';
import { DECAYS, decayWeights } from '../core/session/decay.js';
import { type DenseMatrix, jsDotKernel, normalizeRows, rowNorms } from '../core/vectors/matrix.js';
import { reduceDims } from '../core/vectors/reduce.js';
import { topKInto } from '../core/vectors/topk.js';
import { topAmong } from './candidates.js';
import type { Ranked, Recommender, TrainingData } from './types.js';

/**
 * LLMSeqSim (Harte et al. RecSys'23; Boz et al. 2024): a session's embedding is an aggregate
 * of its items' LLM embeddings; the catalog items most similar to it are recommended.
 * No training: `fit` only reduces and indexes the item embeddings.
 */
const decay = z.enum(DECAYS);

/** Dimensionality reduction of the item vectors before scoring (the extension's options). */
export const ReductionConfig = z.discriminatedUnion('method', [
  z.object({ method: z.literal('none') }).strict(),
  z.object({ method: z.literal('pca'), dims: z.number().int().positive().max(4096) }).strict(),
  z.object({ method: z.literal('random'), dims: z.number().int().positive().max(4096), seed: z.number().int().min(0).max(2 ** 32 - 1) }).strict(),
]);

export const LlmSeqSimConfig = z
  .object({
    /** Session embedding: decay-weighted mean of the item embeddings, or the last item's. */
    aggregation: z.enum(['mean', 'last']),
    /** Position weights for 'mean' (ignored for 'last'). */
    decay,
    similarity: z.enum(['cosine', 'dot', 'euclidean']),
    reduction: ReductionConfig,
    filterPromptItems: z.boolean(),
  })
  .strict();
export type LlmSeqSimConfig = z.infer<typeof LlmSeqSimConfig>;

export const LLMSEQSIM_DEFAULTS: LlmSeqSimConfig = {
  aggregation: 'mean',
  decay: 'none',
  similarity: 'cosine',
  reduction: { method: 'none' },
  filterPromptItems: true,
};

const BLOCK = 32;

export interface LlmSeqSim extends Recommender {
  /** The (reduced) item vectors the model scores against. */
  readonly itemVectors: DenseMatrix;
  /** Session embedding of a prompt, written into `out` (length = itemVectors.cols). */
  sessionEmbedding(session: ArrayLike<number>, out: Float32Array): void;
}

export function fitLlmSeqSim(data: TrainingData, config: LlmSeqSimConfig = LLMSEQSIM_DEFAULTS): LlmSeqSim {
  if (!data.embeddings) throw new Error('llmseqsim needs item embeddings (run `npm run cli -- embed` first)');
  if (data.embeddings.rows !== data.nItems) {
    throw new Error(`llmseqsim: ${data.embeddings.rows} embeddings for ${data.nItems} catalog items`);
  }
  const reduced = reduceDims(data.embeddings, config.reduction);
  // Cosine: compare unit vectors. Dot and euclidean use the vectors as they are.
  const scored = config.similarity === 'cosine' ? normalizeRows(reduced) : reduced;
  // Squared norms: only the euclidean similarity needs them (computed at build, off the first answer's path otherwise).
  const norms2 = config.similarity === 'euclidean' ? rowNorms(reduced).map((v) => v * v) : new Float32Array(0);
  const d = reduced.cols;
  const n = reduced.rows;
  const kernel = (data.dotKernel ?? jsDotKernel)(scored);

  function sessionEmbedding(session: ArrayLike<number>, out: Float32Array): void {
    aggregateSession(session, config.aggregation, config.decay, reduced, out);
  }

  /**
   * Turns raw dot products of query q into the configured similarity, in place: `row[i]` is
   * item i's, or item `rowItems[i]`'s when only some items were scored.
   */
  function finishScores(q: Float32Array, qOffset: number, row: Float32Array, rowItems?: Int32Array): void {
    const m = row.length;
    if (config.similarity === 'cosine') {
      let s = 0;
      for (let c = 0; c < d; c++) s += q[qOffset + c] * q[qOffset + c];
      const inv = s > 0 ? 1 / Math.sqrt(s) : 0;
      for (let i = 0; i < m; i++) row[i] *= inv;
    } else if (config.similarity === 'euclidean') {
      let s = 0;
      for (let c = 0; c < d; c++) s += q[qOffset + c] * q[qOffset + c];
      for (let i = 0; i < m; i++) row[i] = 1 / (1 + Math.sqrt(Math.max(0, s + norms2[rowItems ? rowItems[i] : i] - 2 * row[i])));
    }
  }

  function emptyRanked(k: number): Ranked {
    return { items: new Int32Array(k).fill(-1), scores: new Float32Array(k).fill(-Infinity) };
  }

  function select(session: Int32Array, q: Float32Array, row: Float32Array, k: number, explainIt: boolean): Ranked {
    finishScores(q, 0, row);
    if (config.filterPromptItems) for (let p = 0; p < session.length; p++) row[session[p]] = -Infinity;
    const items = new Int32Array(k);
    const scores = new Float32Array(k);
    topKInto(row, k, items, scores);
    return explainIt ? { items, scores, because: explain(session, items) } : { items, scores };
  }

  function recommend(session: Int32Array, k: number, explainIt = false): Ranked {
    if (session.length === 0) return emptyRanked(k);
    const q = new Float32Array(d);
    sessionEmbedding(session, q);
    const row = new Float32Array(n);
    kernel.dot(q, 1, row);
    return select(session, q, row, k, explainIt);
  }

  async function recommendAsync(session: Int32Array, k: number, explainIt = false): Promise<Ranked> {
    if (session.length === 0) return emptyRanked(k);
    const q = new Float32Array(d);
    sessionEmbedding(session, q);
    const row = new Float32Array(n);
    await kernel.dotAsync(q, 1, row);
    return select(session, q, row, k, explainIt);
  }

  /** Scores only the candidates' rows (a few hundred dot products: plain JS, no backend call). */
  async function recommendAmong(session: Int32Array, candidates: Int32Array, k: number, explainIt = false): Promise<Ranked> {
    if (session.length === 0) return emptyRanked(k);
    const q = new Float32Array(d);
    sessionEmbedding(session, q);
    const known = candidates.filter((c) => c >= 0 && c < n);
    const row = new Float32Array(known.length);
    known.forEach((c, i) => {
      let dot = 0;
      for (let j = 0; j < d; j++) dot += scored.data[c * d + j] * q[j];
      row[i] = dot;
    });
    finishScores(q, 0, row, known);
    const r = topAmong(known, row, config.filterPromptItems ? session : [], k);
    return explainIt ? { ...r, because: explain(session, r.items) } : r;
  }

  let unitVectors: DenseMatrix | null = null;

  /** The session item whose (decay-weighted) similarity to each recommended item is largest. */
  function explain(session: Int32Array, items: Int32Array): Int32Array {
    const because = new Int32Array(items.length).fill(-1);
    const L = session.length;
    if (config.aggregation === 'last') {
      // The query is the last item alone: every recommendation is because of it.
      items.forEach((it, j) => {
        if (it >= 0) because[j] = session[L - 1];
      });
      return because;
    }
    const w = decayWeights(config.decay, L);
    unitVectors ??= config.similarity === 'cosine' ? scored : normalizeRows(reduced);
    const unit = unitVectors;
    items.forEach((it, j) => {
      if (it < 0) return;
      let best = -Infinity;
      for (let p = 0; p < L; p++) {
        let dot = 0;
        for (let c = 0; c < d; c++) dot += unit.data[session[p] * d + c] * unit.data[it * d + c];
        if (w[p] * dot > best) {
          best = w[p] * dot;
          because[j] = session[p];
        }
      }
    });
    return because;
  }

  function recommendBatch(cases: EvalCases, k: number, onProgress?: (done: number) => void): RecLists {
    const total = cases.targets.length;
    const out = new Int32Array(total * k);
    const q = new Float32Array(BLOCK * d);
    const block = new Float32Array(BLOCK * n);
    const one = new Float32Array(d);
    for (let start = 0; start < total; start += BLOCK) {
      const b = Math.min(BLOCK, total - start);
      for (let j = 0; j < b; j++) {
        const c = start + j;
        sessionEmbedding(cases.promptItems.subarray(cases.promptOffsets[c], cases.promptOffsets[c + 1]), one);
        q.set(one, j * d);
      }
      kernel.dot(q, b, block);
      for (let j = 0; j < b; j++) {
        const c = start + j;
        const row = block.subarray(j * n, (j + 1) * n);
        finishScores(q, j * d, row);
        if (config.filterPromptItems) {
          for (let p = cases.promptOffsets[c]; p < cases.promptOffsets[c + 1]; p++) row[cases.promptItems[p]] = -Infinity;
        }
        topKInto(row, k, out, null, c * k);
      }
      onProgress?.(start + b);
    }
    return { k, items: out };
  }

  return {
    name: 'llmseqsim',
    config,
    itemVectors: reduced,
    sessionEmbedding,
    recommend,
    recommendAsync,
    recommendAmong,
    recommendBatch,
    dispose: () => kernel.dispose(),
  };
}
