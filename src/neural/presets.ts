import { z } from 'zod';
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
    hidden: z.number().int().positive(),
    /** Item table initialised from the LLM embeddings reduced to `dim` (the LLM2* models). */
    llmInit: z.enum(['none', 'pca', 'random']),
    /** Control: shuffle the embeddings across items before initialising (the gain should vanish). */
    permuteEmbeddings: z.boolean(),
    maxLen: z.number().int().positive(),
    dim: z.number().int().positive(),
    layers: z.number().int().positive(),
    heads: z.number().int().positive(),
    dropout: z.number().min(0).max(0.9),
    maskProb: z.number().min(0).max(1),
    batchSize: z.number().int().positive(),
    lr: z.number().positive(),
    weightDecay: z.number().min(0),
    clipNorm: z.number().positive().nullable(),
    epochs: z.number().int().positive(),
    patience: z.number().int().positive(),
    seed: z.number().int(),
  })
  .strict();
export type SeqTrainConfig = z.infer<typeof SeqTrainConfig>;

const bert: SeqTrainConfig = {
  arch: 'bert4rec',
  llmInit: 'none',
  permuteEmbeddings: false,
  maxLen: 20,
  hidden: 128,
  dim: 64,
  layers: 2,
  heads: 2,
  dropout: 0.2,
  maskProb: 0.2,
  batchSize: 256,
  lr: 1e-3,
  weightDecay: 0.002,
  clipNorm: 5,
  epochs: 200,
  patience: 2,
  seed: 42,
};
const sas: SeqTrainConfig = { ...bert, arch: 'sasrec', layers: 1, heads: 1, dropout: 0.3, batchSize: 128, weightDecay: 0, clipNorm: 100 };

const gru: SeqTrainConfig = { ...sas, arch: 'gru4rec', layers: 1, heads: 1, dropout: 0.2, hidden: 96 };

export const SEQ_PRESETS = {
  bert4rec: bert,
  llm2bert4rec: { ...bert, llmInit: 'pca' },
  sasrec: sas,
  llm2sasrec: { ...sas, llmInit: 'pca' },
  gru4rec: gru,
  llm2gru4rec: { ...gru, llmInit: 'pca' },
} as const satisfies Record<string, SeqTrainConfig>;
export type SeqModelName = keyof typeof SEQ_PRESETS;
export const SEQ_MODEL_NAMES = Object.keys(SEQ_PRESETS) as SeqModelName[];
export function isSeqModelName(x: string): x is SeqModelName {
  return Object.prototype.hasOwnProperty.call(SEQ_PRESETS, x);
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
