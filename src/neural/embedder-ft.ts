import * as tf from '@tensorflow/tfjs-core';
import { z } from 'zod';
import type { SessionSet } from '../core/dataset/types.js';
import { denseMatrix, type DenseMatrix } from '../core/vectors/matrix.js';
import { mulberry32 } from '../core/vectors/random.js';
import { lookupRows, mmT, sparseCrossEntropy } from './ops.js';

/**
 * Fine-tunes a static embedder (model2vec: a title's vector is the normalised mean of its
 * token rows) on shopping sessions, so that items bought one after the other lie close while
 * the model stays a text model: it still embeds any title from its tokens.
 *
 * Objective (contrastive next-item, as LLMSeqSim with `aggregation: last` uses the vectors):
 * for each consecutive pair (a, b) of a training session, the query is a's title vector and
 * the positive is b's; the candidates are the batch's positives (in-batch negatives) plus
 * `negatives` items drawn uniformly from the whole catalog (items with no interactions too),
 * logits = cos / temperature, softmax cross-entropy. The query item itself is masked out of
 * its candidates (LLMSeqSim never recommends a prompt item).
 * Regularisation: after every Adam step the trained rows are pulled toward the original
 * table, W <- W - lr * pull * (W - W0) (decoupled, as AdamW's weight decay but toward W0
 * instead of 0, so rows that a batch does not touch are not moved by a normalised gradient).
 * Only the rows of tokens that occur in catalog titles are trained; every other row stays.
 */
export const EmbedderFtConfig = z
  .object({
    epochs: z.number().int().positive(),
    /** Consecutive pairs per step. */
    batchSize: z.number().int().positive(),
    /** Uniformly sampled catalog items added to every step's candidates. */
    negatives: z.number().int().min(0),
    temperature: z.number().positive(),
    lr: z.number().positive(),
    /** Pull toward the original table per step, as a multiple of lr (0: none). */
    pull: z.number().min(0),
    /** Stop when the validation score has not improved for this many epochs. */
    patience: z.number().int().positive(),
    seed: z.number().int(),
  })
  .strict();
export type EmbedderFtConfig = z.infer<typeof EmbedderFtConfig>;

export const EMBEDDER_FT_DEFAULTS: EmbedderFtConfig = {
  epochs: 6,
  batchSize: 512,
  negatives: 512,
  temperature: 0.05,
  lr: 1e-3,
  pull: 1,
  patience: 2,
  seed: 42,
};

/** Token ids of every catalog title (CSR), as the embedder's tokenizer gives them (special tokens included). */
export interface TitleTokens {
  readonly offsets: Int32Array;
  readonly tokens: Int32Array;
}

export interface StaticEmbedderBase {
  readonly vocab: number;
  readonly dim: number;
  /** [vocab, dim] row-major. */
  readonly table: Float32Array;
}

export interface FtEpochLog {
  readonly epoch: number;
  readonly loss: number;
  readonly valScore: number;
  /** Root-mean-square change of the trained rows from the original table. */
  readonly rmsShift: number;
  readonly seconds: number;
}

export interface FtResult {
  /** The full [vocab, dim] table of the best epoch (untrained rows are the original's). */
  readonly table: Float32Array;
  readonly history: FtEpochLog[];
  readonly bestEpoch: number;
  readonly bestValScore: number;
  readonly trainedTokens: number;
  readonly pairs: number;
  readonly seconds: number;
}

export interface FtHooks {
  /**
   * Scores the catalog's item vectors (rows L2-normalised); higher is better. Called before
   * training and after every epoch; the best epoch is kept (early stopping with `patience`).
   * Without it every epoch runs and the last is kept (the final run, whose epoch count was
   * chosen on validation).
   */
  validate?(vectors: DenseMatrix): number;
  onBatch?(epoch: number, batch: number, batches: number, loss: number): void;
  onEpoch?(log: FtEpochLog, improved: boolean): void;
}

/**
 * A title's vector from a token table: the mean of its token rows, normalised. Empty titles
 * (no tokens) and zero vectors get the normalised mean of all other items, as the catalog
 * embedder does (src/embedders/catalog.ts).
 */
export function itemVectorsFromTable(table: Float32Array, dim: number, titles: TitleTokens, empty?: Uint8Array): DenseMatrix {
  const n = titles.offsets.length - 1;
  const data = new Float32Array(n * dim);
  const mean = new Float64Array(dim);
  const missing: number[] = [];
  for (let i = 0; i < n; i++) {
    const a = titles.offsets[i];
    const b = titles.offsets[i + 1];
    const o = i * dim;
    if (b === a || empty?.[i]) {
      missing.push(i);
      continue;
    }
    for (let p = a; p < b; p++) {
      const r = titles.tokens[p] * dim;
      for (let c = 0; c < dim; c++) data[o + c] += table[r + c];
    }
    let s = 0;
    for (let c = 0; c < dim; c++) s += data[o + c] * data[o + c];
    if (!(s > 0)) {
      missing.push(i);
      continue;
    }
    const inv = 1 / Math.sqrt(s);
    for (let c = 0; c < dim; c++) {
      data[o + c] *= inv;
      mean[c] += data[o + c];
    }
  }
  if (missing.length > 0) {
    let s = 0;
    for (let c = 0; c < dim; c++) s += mean[c] * mean[c];
    const inv = s > 0 ? 1 / Math.sqrt(s) : 0;
    for (const i of missing) for (let c = 0; c < dim; c++) data[i * dim + c] = mean[c] * inv;
  }
  return denseMatrix(n, dim, data);
}

/** Consecutive (a, b) pairs of the training sessions with a != b and both titles embeddable. */
export function nextItemPairs(train: SessionSet, usable: (item: number) => boolean): { from: Int32Array; to: Int32Array } {
  const from: number[] = [];
  const to: number[] = [];
  for (let s = 0; s + 1 < train.offsets.length; s++) {
    for (let p = train.offsets[s] + 1; p < train.offsets[s + 1]; p++) {
      const a = train.items[p - 1];
      const b = train.items[p];
      if (a !== b && usable(a) && usable(b)) {
        from.push(a);
        to.push(b);
      }
    }
  }
  return { from: Int32Array.from(from), to: Int32Array.from(to) };
}

/** Length buckets: a bucket is padded to its longest title (Beauty titles run from 2 to 200+ tokens). */
const BUCKET_LIMITS = [12, 20, 32, 64, Infinity];

interface StepInputs {
  /** Per bucket: local token ids [n_b, L_b] (pad = the zero row) and its shape. */
  readonly buckets: { ids: Int32Array; n: number; L: number }[];
  readonly queryRows: Int32Array;
  readonly candRows: Int32Array;
  readonly targets: Int32Array;
  readonly mask: Float32Array;
}

export async function fineTuneStaticEmbedder(
  base: StaticEmbedderBase,
  titles: TitleTokens,
  train: SessionSet,
  config: EmbedderFtConfig,
  hooks: FtHooks,
): Promise<FtResult> {
  const { vocab, dim } = base;
  const nItems = titles.offsets.length - 1;
  // Local vocabulary: the tokens of the catalog's titles; row `nLocal` is a constant zero pad.
  const localOf = new Int32Array(vocab).fill(-1);
  const globalOf: number[] = [];
  for (const t of titles.tokens) {
    if (t < 0 || t >= vocab) throw new RangeError(`token id ${t} outside the model's vocabulary of ${vocab}`);
    if (localOf[t] < 0) {
      localOf[t] = globalOf.length;
      globalOf.push(t);
    }
  }
  const nLocal = globalOf.length;
  const start = new Float32Array(nLocal * dim);
  globalOf.forEach((g, l) => start.set(base.table.subarray(g * dim, (g + 1) * dim), l * dim));
  const lens = new Int32Array(nItems);
  for (let i = 0; i < nItems; i++) lens[i] = titles.offsets[i + 1] - titles.offsets[i];
  const pairs = nextItemPairs(train, (i) => lens[i] > 0);
  if (pairs.from.length === 0) throw new Error('no consecutive item pairs with titles in the training sessions');

  const W = tf.variable(tf.tensor2d(start, [nLocal, dim]), true, 'ft_tokens');
  const W0 = tf.tensor2d(start, [nLocal, dim]);
  const padRow = tf.zeros([1, dim]);
  const optimizer = tf.train.adam(config.lr);

  const fullTable = (local: Float32Array): Float32Array => {
    const t = base.table.slice();
    globalOf.forEach((g, l) => t.set(local.subarray(l * dim, (l + 1) * dim), g * dim));
    return t;
  };
  const rmsShift = (local: Float32Array): number => {
    let s = 0;
    for (let i = 0; i < local.length; i++) s += (local[i] - start[i]) ** 2;
    return Math.sqrt(s / local.length);
  };

  const prepare = (from: Int32Array, to: Int32Array, rand: () => number): StepInputs => {
    const B = from.length;
    const rowOf = new Map<number, number>();
    const order: number[] = [];
    const add = (i: number) => {
      if (!rowOf.has(i)) {
        rowOf.set(i, -1);
        order.push(i);
      }
    };
    for (let j = 0; j < B; j++) add(from[j]);
    const cands: number[] = [];
    const candSet = new Set<number>();
    const addCand = (i: number) => {
      if (!candSet.has(i)) {
        candSet.add(i);
        cands.push(i);
        add(i);
      }
    };
    for (let j = 0; j < B; j++) addCand(to[j]);
    for (let s = 0; s < config.negatives; s++) {
      const i = Math.floor(rand() * nItems);
      if (lens[i] > 0) addCand(i);
    }
    // Items sorted by title length, cut into buckets; rows are numbered in that order.
    order.sort((a, b) => lens[a] - lens[b] || a - b);
    const buckets: StepInputs['buckets'] = [];
    let k = 0;
    for (const limit of BUCKET_LIMITS) {
      const first = k;
      while (k < order.length && lens[order[k]] <= limit) k++;
      if (k === first) continue;
      const n = k - first;
      const L = lens[order[k - 1]];
      const ids = new Int32Array(n * L).fill(nLocal);
      for (let r = 0; r < n; r++) {
        const item = order[first + r];
        rowOf.set(item, first + r);
        const a = titles.offsets[item];
        for (let p = 0; p < lens[item]; p++) ids[r * L + p] = localOf[titles.tokens[a + p]];
      }
      buckets.push({ ids, n, L });
    }
    const candIndex = new Map(cands.map((c, j) => [c, j]));
    const mask = new Float32Array(B * cands.length);
    for (let j = 0; j < B; j++) {
      const self = candIndex.get(from[j]);
      if (self !== undefined && from[j] !== to[j]) mask[j * cands.length + self] = -1e4;
    }
    return {
      buckets,
      queryRows: Int32Array.from(from, (i) => rowOf.get(i)!),
      candRows: Int32Array.from(cands, (i) => rowOf.get(i)!),
      targets: Int32Array.from(to, (i) => candIndex.get(i)!),
      mask,
    };
  };

  const history: FtEpochLog[] = [];
  let best = -Infinity;
  let bestEpoch = 0;
  let bestLocal = start.slice();
  const t0 = performance.now();
  try {
    if (hooks.validate) {
      const initial = hooks.validate(itemVectorsFromTable(base.table, dim, titles));
      history.push({ epoch: 0, loss: NaN, valScore: initial, rmsShift: 0, seconds: 0 });
      hooks.onEpoch?.(history[0], true);
      best = initial;
    }
    for (let epoch = 1; epoch <= config.epochs; epoch++) {
      const te = performance.now();
      const rand = mulberry32((config.seed * 7919 + epoch) >>> 0);
      const perm = Int32Array.from({ length: pairs.from.length }, (_, i) => i);
      for (let i = perm.length - 1; i > 0; i--) {
        const j = Math.floor(rand() * (i + 1));
        [perm[i], perm[j]] = [perm[j], perm[i]];
      }
      const nBatches = Math.ceil(perm.length / config.batchSize);
      let lossSum = 0;
      for (let bi = 0; bi < nBatches; bi++) {
        const idx = perm.subarray(bi * config.batchSize, (bi + 1) * config.batchSize);
        const inp = prepare(
          Int32Array.from(idx, (p) => pairs.from[p]),
          Int32Array.from(idx, (p) => pairs.to[p]),
          rand,
        );
        const loss = tf.tidy(() => {
          const bucketIds = inp.buckets.map((b) => tf.tensor1d(b.ids, 'int32'));
          const q = tf.tensor1d(inp.queryRows, 'int32');
          const c = tf.tensor1d(inp.candRows, 'int32');
          const y = tf.tensor1d(inp.targets, 'int32');
          const m = tf.tensor2d(inp.mask, [inp.queryRows.length, inp.candRows.length]);
          const { value, grads } = tf.variableGrads(() => {
            const padded = tf.concat([W, padRow]) as tf.Tensor2D;
            const sums = inp.buckets.map((b, k) => tf.sum(tf.reshape(lookupRows(padded, bucketIds[k]), [b.n, b.L, dim]), 1));
            const raw = (sums.length === 1 ? sums[0] : tf.concat(sums)) as tf.Tensor2D;
            const unit = tf.div(raw, tf.sqrt(tf.add(tf.sum(tf.square(raw), 1, true), 1e-12))) as tf.Tensor2D;
            const logits = tf.add(tf.mul(mmT(lookupRows(unit, q), lookupRows(unit, c)), 1 / config.temperature), m) as tf.Tensor2D;
            return sparseCrossEntropy(logits, y);
          }, [W]);
          optimizer.applyGradients(Object.entries(grads).map(([name, tensor]) => ({ name, tensor })));
          if (config.pull > 0) W.assign(tf.sub(W, tf.mul(tf.sub(W, W0), config.lr * config.pull)));
          return value.dataSync()[0];
        });
        lossSum += loss;
        hooks.onBatch?.(epoch, bi + 1, nBatches, lossSum / (bi + 1));
        await new Promise((r) => setTimeout(r, 0));
      }
      const local = W.dataSync() as Float32Array;
      const valScore = hooks.validate ? hooks.validate(itemVectorsFromTable(fullTable(local), dim, titles)) : epoch;
      const log: FtEpochLog = { epoch, loss: lossSum / nBatches, valScore, rmsShift: rmsShift(local), seconds: (performance.now() - te) / 1000 };
      history.push(log);
      const improved = valScore > best;
      if (improved) {
        best = valScore;
        bestEpoch = epoch;
        bestLocal = local.slice();
      }
      hooks.onEpoch?.(log, improved);
      if (!improved && epoch - bestEpoch >= config.patience) break;
    }
  } finally {
    W.dispose();
    W0.dispose();
    padRow.dispose();
    optimizer.dispose();
  }
  return {
    table: fullTable(bestLocal),
    history,
    bestEpoch,
    bestValScore: best,
    trainedTokens: nLocal,
    pairs: pairs.from.length,
    seconds: (performance.now() - t0) / 1000,
  };
}
