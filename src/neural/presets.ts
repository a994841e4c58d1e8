import { z } from 'zod';
import type { SessionSet } from '../core/dataset/types.js';
import { popularityStats } from '../core/metrics/metrics.js';
import { denseMatrix, type DenseMatrix } from '../core/vectors/matrix.js';
import { mulberry32 } from '../core/vectors/random.js';
import { reduceDims } from '../core/vectors/reduce.js';
import { INIT_STD } from './model.js';

/**
 * Configurations of the sequential models. The paper's Beauty settings (BERT4Rec emb 512,
 * LLM2BERT4Rec emb 208 with 3 layers, ...) take hours per model on 2 CPU cores with tfjs on
 * WASM; these defaults are sized for this machine and can be overridden by a config file.
 */
export const SeqTrainConfig = z
  .object({
    arch: z.enum(['bert4rec', 'sasrec', 'gru4rec']),
    /** GRU4Rec's hidden size (ignored by the transformers). */
    hidden: z.number().int().positive().max(4096),
    /** Item table initialised from the LLM embeddings reduced to `dim` (the LLM2* models). */
    llmInit: z.enum(['none', 'pca', 'random']),
    /**
     * Output bias start: zeros (as BERT4Rec) or each item's log training frequency, centred, so
     * the first steps do not spend themselves learning popularity.
     */
    biasInit: z.enum(['zeros', 'popularity']),
    /** Control: shuffle the embeddings across items before initialising (the gain should vanish). */
    permuteEmbeddings: z.boolean(),
    maxLen: z.number().int().positive().max(1024),
    dim: z.number().int().positive().max(4096),
    layers: z.number().int().positive().max(48),
    heads: z.number().int().positive().max(64),
    dropout: z.number().min(0).max(0.9),
    maskProb: z.number().min(0).max(1),
    batchSize: z.number().int().positive().max(65_536),
    lr: z.number().positive().max(10),
    weightDecay: z.number().min(0).max(10),
    clipNorm: z.number().positive().max(1e6).nullable(),
    epochs: z.number().int().positive().max(10_000),
    patience: z.number().int().positive().max(10_000),
    /** Inner validation: 10% of the training sessions, at most this many. */
    valMax: z.number().int().positive().max(10_000_000),
    seed: z.number().int().min(0).max(2 ** 32 - 1),
  })
  .strict();
export type SeqTrainConfig = z.infer<typeof SeqTrainConfig>;

/*
 * Chosen on the inner validation set within this machine's budget (short runs, never the test
 * split). BERT4Rec's learning rate: at 3e-3 (batch 128) plain BERT4Rec stalled at the
 * popularity loss and stopped with validation NDCG@20 .0141 (bench/results/train-bert4rec-lr3e-3.json),
 * at 1e-3 it learns. LLM2BERT4Rec at 3e-3 (batch 128) reached a lower training loss after 3
 * epochs than at 1e-3 (batch 256): 8.50 vs 8.60 (validation at 500 sessions was too noisy to
 * separate them). The popularity bias start helped the first epochs a little. The inner
 * validation uses the paper's 10% of training sessions without its 500 cap: at 500 sessions the
 * NDCG@20 estimate fell by up to .0024 from one epoch to the next while the training loss kept
 * falling, enough to trigger early stopping (patience 3 instead of the paper's 2, likewise).
 */
const bert: SeqTrainConfig = {
  arch: 'bert4rec',
  llmInit: 'none',
  biasInit: 'popularity',
  permuteEmbeddings: false,
  maxLen: 20,
  hidden: 128,
  dim: 64,
  layers: 2,
  heads: 2,
  dropout: 0.2,
  maskProb: 0.2,
  batchSize: 128,
  lr: 1e-3,
  weightDecay: 0.002,
  clipNorm: 5,
  epochs: 40,
  patience: 3,
  valMax: 2000,
  seed: 42,
};
// SASRec and GRU4Rec epochs cost ~3x BERT4Rec's (a loss at every position): 8 at most here.
const sas: SeqTrainConfig = { ...bert, arch: 'sasrec', layers: 1, heads: 1, dropout: 0.3, batchSize: 128, lr: 1e-3, weightDecay: 0, clipNorm: 100, epochs: 8 };

const gru: SeqTrainConfig = { ...sas, arch: 'gru4rec', layers: 1, heads: 1, dropout: 0.2, hidden: 96, clipNorm: 5 };

export const SEQ_PRESETS = {
  bert4rec: bert,
  llm2bert4rec: { ...bert, llmInit: 'pca', lr: 3e-3 },
  sasrec: sas,
  llm2sasrec: { ...sas, llmInit: 'pca' },
  gru4rec: gru,
  llm2gru4rec: { ...gru, llmInit: 'pca' },
} as const satisfies Record<string, SeqTrainConfig>;
export type SeqModelName = keyof typeof SEQ_PRESETS;

/** Centred log(1 + count) of every item in the training sessions: an output-bias start. */
export function popularityBias(train: SessionSet, nItems: number): Float32Array {
  const { counts } = popularityStats(train.items, nItems);
  const out = new Float32Array(nItems);
  let mean = 0;
  for (let i = 0; i < nItems; i++) mean += (out[i] = Math.log1p(counts[i])) / nItems;
  for (let i = 0; i < nItems; i++) out[i] -= mean;
  return out;
}

/**
 * The initial item table rows (items only, [nItems, dim]) from LLM embeddings: reduced to the
 * model width (PCA or random projection) and scaled so their standard deviation is the
 * initialiser's (0.02). With `permute`, rows are shuffled across items (the control).
 */
export function llmItemInit(embeddings: DenseMatrix, dim: number, method: 'pca' | 'random', permute: boolean, seed: number): DenseMatrix {
  let e = embeddings;
  if (permute) {
    const order = Array.from({ length: e.rows }, (_, i) => i);
    const rand = mulberry32(seed ^ 0xbadc0de);
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(rand() * (i + 1));
      [order[i], order[j]] = [order[j], order[i]];
    }
    const data = new Float32Array(e.data.length);
    order.forEach((src, dst) => data.set(e.data.subarray(src * e.cols, (src + 1) * e.cols), dst * e.cols));
    e = denseMatrix(e.rows, e.cols, data);
  }
  const reduced = reduceDims(e, method === 'pca' ? { method: 'pca', dims: Math.min(dim, e.cols) } : { method: 'random', dims: dim, seed });
  const out = new Float32Array(e.rows * dim);
  // PCA cannot exceed the embedding width: extra columns stay 0 and are learned.
  for (let r = 0; r < e.rows; r++) out.set(reduced.data.subarray(r * reduced.cols, (r + 1) * reduced.cols), r * dim);
  let sum = 0;
  let sq = 0;
  for (const v of reduced.data) {
    sum += v;
    sq += v * v;
  }
  const n = reduced.data.length;
  const std = Math.sqrt(Math.max(1e-12, sq / n - (sum / n) ** 2));
  for (let i = 0; i < out.length; i++) out[i] *= INIT_STD / std;
  return denseMatrix(e.rows, dim, out);
}
