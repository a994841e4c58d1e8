import { z } from 'zod';
import type { SessionSet } from '../core/dataset/types.js';
import { popularityStats } from '../core/metrics/metrics.js';
import { denseMatrix, type DenseMatrix } from '../core/vectors/matrix.js';
import { mulberry32 } from '../core/vectors/random.js';
import { reduceDims } from '../core/vectors/reduce.js';
import { autoencoderReduce } from './autoencoder.js';
import { INIT_STD } from './model.js';

/**
 * Configurations of the sequential models (defaults below; a config file overrides any key).
 */
export const SeqTrainConfig = z
  .object({
    arch: z.enum(['bert4rec', 'sasrec', 'gru4rec']),
    /** GRU4Rec's hidden size (ignored by the transformers). */
    hidden: z.number().int().positive().max(4096),
    /**
     * Item table initialised from the LLM embeddings reduced to `dim` (the LLM2* models): PCA,
     * random projection, or an autoencoder trained with tfjs (src/neural/autoencoder.ts).
     */
    llmInit: z.enum(['none', 'pca', 'random', 'autoencoder']),
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
    /** BERT4Rec: random-mask copies of each training session per epoch (paper 10). */
    maskCopies: z.number().int().min(0).max(1000),
    /** BERT4Rec: one more copy per session per epoch with only the last item masked (paper: yes). */
    lastItemCopy: z.boolean(),
    /**
     * LLM start: reduced vectors rescaled to the initialiser's standard deviation (0.02,
     * 'init-std') or used as they come out of PCA / projection ('none', the paper's way).
     */
    llmScale: z.enum(['init-std', 'none']),
    batchSize: z.number().int().positive().max(65_536),
    lr: z.number().positive().max(10),
    weightDecay: z.number().min(0).max(10),
    clipNorm: z.number().positive().max(1e6).nullable(),
    epochs: z.number().int().positive().max(10_000),
    patience: z.number().int().positive().max(10_000),
    /**
     * After `after` epochs without improvement (default 1): best weights back, learning rate x
     * factor, at most `times` times (0: plain early stopping).
     */
    plateauDecay: z
      .object({ factor: z.number().gt(0).lt(1), times: z.number().int().min(0).max(10), after: z.number().int().min(1).max(10_000).default(1) })
      .strict()
      .default({ factor: 0.1, times: 0, after: 1 }),
    /** Inner validation: 10% of the training sessions, at most this many. */
    valMax: z.number().int().positive().max(10_000_000),
    seed: z.number().int().min(0).max(2 ** 32 - 1),
  })
  .strict();
export type SeqTrainConfig = z.infer<typeof SeqTrainConfig>;

/*
 * BERT4Rec family: trained as the paper's authors train it (dh-r/LLM-Sequential-Recommendation):
 * per training session per epoch one copy with only the last item masked plus 10 with fresh
 * random masks (mask .65 BERT4Rec, .5 LLM2BERT4Rec), AdamW with weight decay .004 / .002,
 * clipnorm 5, batch 256, up to 100 epochs, early stopping with patience 2 on validation NDCG@20,
 * best weights restored; LLM2BERT4Rec: 3 layers, dropout 0, PCA start without rescaling.
 * Departures, for this machine's budget (2 shared cores, tfjs on WASM, ~15 min per epoch at
 * width 64): width 64 instead of 512 / 208 (the LLM embeddings here are 128-dimensional, so
 * PCA cannot give 208), 2 heads (64 is not divisible by 3), learning rate 1e-3 instead of 1e-4
 * (a 64-wide model; 1e-3 learned in the earlier runs, 3e-3 stalled plain BERT4Rec:
 * bench/results/train-bert4rec-lr3e-3.json), the output bias starting at the centred log
 * popularity, and the inner validation of 10% of the training sessions capped at 2000 instead
 * of 500 (at 500 sessions the NDCG@20 estimate moved by up to .0024 between epochs).
 * Because of the 10x rate, a plateau restores the best weights and divides the rate by 10 (twice
 * at most: down to the paper's 1e-4, then 1e-5): at a constant 1e-3, LLM2BERT4Rec's validation
 * NDCG@20 fell from .0605 (epoch 2) to .0484 (epoch 3) while its training loss kept falling.
 */
const bert: SeqTrainConfig = {
  arch: 'bert4rec',
  llmInit: 'none',
  llmScale: 'none',
  biasInit: 'popularity',
  permuteEmbeddings: false,
  maxLen: 20,
  hidden: 128,
  dim: 64,
  layers: 2,
  heads: 2,
  dropout: 0.2,
  maskProb: 0.65,
  maskCopies: 10,
  lastItemCopy: true,
  batchSize: 256,
  lr: 1e-3,
  weightDecay: 0.004,
  clipNorm: 5,
  epochs: 100,
  patience: 2,
  // The family's base schedule: a decay where patience would stop the run (after 2 epochs without
  // a gain). LLM2BERT4Rec overrides it (the decay at the first dip); BERT4Rec's own is below.
  plateauDecay: { factor: 0.1, times: 2, after: 2 },
  valMax: 2000,
  seed: 42,
};
// SASRec and GRU4Rec: one sequence per session per epoch, a loss at every position; trained to
// early stop (patience 3 as before: their validation moved more between epochs). Their curves have
// one- and two-epoch dips while still rising, so the rate decays only where patience would stop
// the run: the best weights come back at a tenth of the rate, twice at most. Chosen on inner
// validation (the bench/configs/decay-after-3.json runs against plain early stopping): SASRec
// .0670 -> .0679, LLM2GRU4Rec .0466 -> .0471, GRU4Rec a tie (.0496, the same best epoch).
const decayWherePatienceStops = { factor: 0.1, times: 2, after: 3 };
const sas: SeqTrainConfig = { ...bert, arch: 'sasrec', layers: 1, heads: 1, dropout: 0.3, batchSize: 128, lr: 1e-3, weightDecay: 0, clipNorm: 100, patience: 3, plateauDecay: decayWherePatienceStops };

// GRU4Rec at 3e-3: chosen on inner validation against 1e-3 and 2e-3 (.0498, .0496, .0488; seed 42,
// bench/configs/gru-lr3e-3.json, trained on 2 threads, the shipped gru4rec). At 1e-3 its curve rose
// until epoch 36. LLM2GRU4Rec too: .0550 at 3e-3 against .0471 at 1e-3 (bench/configs/llm2gru-lr3e-3.json).
const gru: SeqTrainConfig = { ...sas, arch: 'gru4rec', layers: 1, heads: 1, dropout: 0.2, hidden: 96, clipNorm: 5, lr: 3e-3 };

export const SEQ_PRESETS = {
  // BERT4Rec waits 4 epochs without a gain before its one decay and before stopping: chosen on
  // inner validation, .0466 against .0465 for the decay after 2 (bench/configs/patience-4.json
  // against decay-after-2.json, seed 42, trained on 2 threads; the shipped bert4rec), a margin
  // well inside the validation's noise (a standard error of about .0033). Its second seed (43,
  // patience-4-seed2.json) scored .0390 on test against .0386 for the decay after 2: two-seed
  // means .0414 against .0405 (README, Sequential models).
  bert4rec: { ...bert, patience: 4, plateauDecay: { factor: 0.1, times: 1, after: 4 } },
  llm2bert4rec: { ...bert, llmInit: 'pca', layers: 3, dropout: 0, maskProb: 0.5, weightDecay: 0.002, plateauDecay: { factor: 0.1, times: 2, after: 1 } },
  sasrec: sas,
  // The decay is not measured for LLM2SASRec yet: plain early stopping, as its shipped run.
  llm2sasrec: { ...sas, llmInit: 'pca', llmScale: 'init-std', plateauDecay: { factor: 0.1, times: 0, after: 1 } },
  gru4rec: gru,
  llm2gru4rec: { ...gru, llmInit: 'pca', llmScale: 'init-std' },
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
 * model width (PCA, random projection or autoencoder) and, with scale 'init-std', scaled so their standard
 * deviation is the initialiser's (0.02); 'none' keeps them as reduced (the paper: PCA fitted on
 * all catalog vectors, no whitening, no rescaling). With `permute`, rows are shuffled across
 * items (the control).
 */
export async function llmItemInit(
  embeddings: DenseMatrix,
  dim: number,
  method: 'pca' | 'random' | 'autoencoder',
  permute: boolean,
  seed: number,
  scale: SeqTrainConfig['llmScale'] = 'init-std',
): Promise<DenseMatrix> {
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
  const reduced =
    method === 'autoencoder'
      ? (await autoencoderReduce(e, { dims: Math.min(dim, e.cols), seed })).codes
      : reduceDims(e, method === 'pca' ? { method: 'pca', dims: Math.min(dim, e.cols) } : { method: 'random', dims: dim, seed });
  const out = new Float32Array(e.rows * dim);
  // PCA (and the autoencoder here) cannot exceed the embedding width: extra columns stay 0 and are learned.
  for (let r = 0; r < e.rows; r++) out.set(reduced.data.subarray(r * reduced.cols, (r + 1) * reduced.cols), r * dim);
  if (scale === 'none') return denseMatrix(e.rows, dim, out);
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
