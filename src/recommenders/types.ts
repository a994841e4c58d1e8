import type { EvalCases, SessionSet } from '../core/dataset/types.js';
import type { RecLists } from '../core/metrics/metrics.js';
import type { DenseMatrix, DotKernelFactory } from '../core/vectors/matrix.js';

/** A ranked recommendation for one session (dense item indices, best first). */
export interface Ranked {
  readonly items: Int32Array;
  readonly scores: Float32Array;
  /**
   * For each recommended item, the session item that contributed most to it ("because you
   * added X"), or -1. Only models that can say it fill this in.
   */
  readonly because?: Int32Array;
  /**
   * Generative models (LLMSeqPrompt): what the model wrote and the item each name became
   * ('exact' catalog-name match, or the 'nearest' item by embedding), in list order.
   */
  readonly generated?: readonly { readonly text: string; readonly item: number; readonly how: 'exact' | 'nearest' }[];
}

/** Everything a model may learn from. Embeddings are required only by embedding models. */
export interface TrainingData {
  readonly train: SessionSet;
  readonly nItems: number;
  /** Item embeddings, one row per catalog item (dense index order). */
  readonly embeddings?: DenseMatrix;
  /** Matrix-product kernel for embedding scoring (default: pure JS). */
  readonly dotKernel?: DotKernelFactory;
}

export interface Recommender {
  /** The model name as the CLI and reports use it (e.g. "v-sknn"). */
  readonly name: string;
  /** The full configuration, written next to every result. */
  readonly config: Readonly<object>;
  /** Top-k for one session; never contains the session's own items. `explain` asks for `because`. */
  recommend(session: Int32Array, k: number, explain?: boolean): Ranked;
  /**
   * The same as recommend without blocking on a GPU read-back (models that score with tfjs).
   * Generative models stop early (with what they finished) once `signal.aborted` is true.
   */
  recommendAsync?(session: Int32Array, k: number, explain?: boolean, signal?: { readonly aborted: boolean }): Promise<Ranked>;
  /**
   * Top-k among given candidates only (dense indices, e.g. from a vector index outside the
   * browser: src/recommenders/candidates.ts), scoring just their rows; never the session's items.
   */
  recommendAmong?(session: Int32Array, candidates: Int32Array, k: number, explain?: boolean): Promise<Ranked>;
  /** Optional faster path for many sessions at once. */
  recommendBatch?(cases: EvalCases, k: number, onProgress?: (done: number) => void): RecLists;
  /** The batch path of models that only work asynchronously (generative models: `recommend` throws). */
  recommendBatchAsync?(cases: EvalCases, k: number, onProgress?: (done: number) => void): Promise<RecLists>;
  /** Generative models: vectors for names another model wrote, comparable with the item vectors. */
  embedNames?(texts: readonly string[]): Float32Array[];
  /** Frees native resources (tensors); the model is unusable afterwards. */
  dispose?(): void;
}

/** Recommendations for every case, using the model's batch path when it has one. */
export function recommendAll(
  model: Recommender,
  cases: EvalCases,
  k: number,
  onProgress?: (done: number) => void,
): RecLists {
  if (model.recommendBatch) return model.recommendBatch(cases, k, onProgress);
  const n = cases.targets.length;
  const items = new Int32Array(n * k).fill(-1);
  for (let c = 0; c < n; c++) {
    const r = model.recommend(cases.promptItems.subarray(cases.promptOffsets[c], cases.promptOffsets[c + 1]), k);
    items.set(r.items.subarray(0, k), c * k);
    if (onProgress && (c & 255) === 255) onProgress(c + 1);
  }
  onProgress?.(n);
  return { k, items };
}

/** recommendAll for every model, asynchronous ones (generative models) included. */
export async function recommendAllAsync(model: Recommender, cases: EvalCases, k: number, onProgress?: (done: number) => void): Promise<RecLists> {
  if (model.recommendBatchAsync) return model.recommendBatchAsync(cases, k, onProgress);
  return recommendAll(model, cases, k, onProgress);
}
