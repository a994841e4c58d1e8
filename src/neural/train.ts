import * as tf from '@tensorflow/tfjs-core';
import { innerSplitIndices } from '../core/dataset/inner-split.js';
import type { SessionSet } from '../core/dataset/types.js';
import { mulberry32 } from '../core/vectors/random.js';
import { topKInto } from '../core/vectors/topk.js';
import { lookupRows, sparseCrossEntropy } from './ops.js';
import type { SeqModel } from './model.js';

/**
 * Training as the paper: AdamW (decoupled weight decay, optional clipnorm), 10% of the
 * training sessions (at most 500) held out as inner validation, early stopping on their
 * NDCG@20 with patience 2, restoring the best epoch's weights. Batches hold sessions of
 * similar length, each cut to its own longest sequence, and the loss is computed only at the
 * positions that are predicted (BERT4Rec: the masked ones; SASRec: every real position).
 */
export interface TrainConfig {
  readonly epochs: number;
  readonly batchSize: number;
  readonly lr: number;
  readonly weightDecay: number;
  readonly clipNorm: number | null;
  /** BERT4Rec cloze masking probability. */
  readonly maskProb: number;
  readonly patience: number;
  readonly valFraction: number;
  readonly valMax: number;
  readonly seed: number;
}

export const TRAIN_DEFAULTS: TrainConfig = {
  epochs: 200,
  batchSize: 256,
  lr: 1e-3,
  weightDecay: 0,
  clipNorm: 5,
  maskProb: 0.2,
  patience: 2,
  valFraction: 0.1,
  valMax: 500,
  seed: 42,
};

export interface EpochLog {
  readonly epoch: number;
  readonly loss: number;
  readonly valNdcg20: number;
  readonly seconds: number;
}

export interface TrainHooks {
  onBatch?(epoch: number, batch: number, batches: number, loss: number): void;
  /** After each epoch; `improved` says the model now holds a new best (e.g. to save it). */
  onEpoch?(log: EpochLog, improved: boolean): void;
}

interface Seq {
  readonly items: Int32Array;
}

/** Splits off the inner validation sessions (prompt = all but last, target = last). */
export function innerSplit(train: SessionSet, cfg: Pick<TrainConfig, 'valFraction' | 'valMax' | 'seed'>) {
  const { val, fit } = innerSplitIndices(train, cfg);
  const seq = (s: number): Seq => ({ items: train.items.subarray(train.offsets[s], train.offsets[s + 1]) });
  return { fit: fit.map(seq), val: val.map(seq) };
}

/** NDCG@20 of next-item predictions for held-out sessions (prompt items excluded). */
export function validationNdcg(model: SeqModel, val: readonly Seq[], batch = 256): number {
  if (val.length === 0) return 0;
  let total = 0;
  const top = new Int32Array(20);
  for (let b = 0; b < val.length; b += batch) {
    const chunk = val.slice(b, b + batch);
    const prompts = chunk.map((s) => s.items.subarray(0, s.items.length - 1));
    const scores = model.scorePrompts(prompts);
    const data = scores.dataSync() as Float32Array;
    scores.dispose();
    const n = model.config.nItems;
    chunk.forEach((s, r) => {
      const row = data.subarray(r * n, (r + 1) * n);
      for (const it of prompts[r]) row[it] = -Infinity;
      topKInto(row, 20, top, null);
      const rank = top.indexOf(s.items[s.items.length - 1]);
      if (rank >= 0) total += 1 / Math.log2(rank + 2);
    });
  }
  return total / val.length;
}

/** Batches of sessions with similar lengths; order shuffled per epoch. */
function makeBatches(seqs: readonly Seq[], windowLen: number, batchSize: number, rand: () => number): Seq[][] {
  const sorted = [...seqs].sort((a, b) => Math.min(a.items.length, windowLen) - Math.min(b.items.length, windowLen));
  const batches: Seq[][] = [];
  for (let i = 0; i < sorted.length; i += batchSize) batches.push(sorted.slice(i, i + batchSize));
  for (let i = batches.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [batches[i], batches[j]] = [batches[j], batches[i]];
  }
  return batches;
}

/** The input tokens, the flat positions whose output is predicted, and their targets. */
function batchTensors(model: SeqModel, batch: readonly Seq[], cfg: TrainConfig, rand: () => number) {
  const { arch, maxLen } = model.config;
  const inputs: number[][] = [];
  const positions: [row: number, pos: number][] = [];
  const targets: number[] = [];
  for (const s of batch) {
    if (arch === 'bert4rec') {
      const win = s.items.subarray(Math.max(0, s.items.length - maxLen));
      const toks = Array.from(win, (i) => i + 1);
      const masked: number[] = [];
      for (let p = 0; p < toks.length; p++) if (rand() < cfg.maskProb) masked.push(p);
      if (masked.length === 0) masked.push(toks.length - 1);
      inputs.push(toks);
      for (const p of masked) {
        targets.push(toks[p] - 1);
        toks[p] = model.maskToken;
      }
      positionsOf(inputs.length - 1, masked);
    } else {
      const win = s.items.subarray(Math.max(0, s.items.length - (maxLen + 1)));
      inputs.push(Array.from(win.subarray(0, win.length - 1), (i) => i + 1));
      const ps: number[] = [];
      for (let p = 0; p + 1 < win.length; p++) {
        ps.push(p);
        targets.push(win[p + 1]);
      }
      positionsOf(inputs.length - 1, ps);
    }
  }
  // Left-pad to the batch's longest sequence; remember where each predicted position lands.
  const L = Math.max(...inputs.map((t) => t.length));
  const flat = new Int32Array(inputs.length * L);
  inputs.forEach((t, r) => flat.set(t, r * L + (L - t.length)));
  const flatPositions = positions.map(([r, p]) => r * L + (L - inputs[r].length) + p);
  return { flat, L, flatPositions, targets };

  function positionsOf(row: number, ps: number[]) {
    for (const p of ps) positions.push([row, p]);
  }
}

/** Global-norm gradient clipping (tfjs optimizers have none). */
function clipByGlobalNorm(grads: tf.NamedTensorMap, clip: number): tf.NamedTensorMap {
  return tf.tidy(() => {
    const sq = Object.values(grads).map((g) => tf.sum(tf.square(g)));
    const norm = Math.sqrt((tf.addN(sq).dataSync() as Float32Array)[0]);
    if (!(norm > clip)) return Object.fromEntries(Object.entries(grads).map(([k, g]) => [k, tf.clone(g)]));
    const scale = clip / norm;
    return Object.fromEntries(Object.entries(grads).map(([k, g]) => [k, tf.mul(g, scale)]));
  });
}

/** Everything needed to continue a run exactly where an epoch ended. */
export interface TrainCheckpoint {
  readonly epoch: number;
  readonly history: EpochLog[];
  readonly best: number;
  readonly bestEpoch: number;
  /** The model's weights after `epoch`, by weight name. */
  readonly weights: Map<string, tf.Tensor>;
  readonly bestWeights: Map<string, tf.Tensor> | null;
  /** Adam's state, keyed by weight name ("<name>/m", "<name>/v") plus "iter". */
  readonly optimizer: Map<string, tf.Tensor>;
}

export interface TrainResult {
  readonly history: EpochLog[];
  readonly bestEpoch: number;
  readonly bestValNdcg20: number;
  /** Sum of the epochs' times (training + validation), across resumes. */
  readonly seconds: number;
}

async function optimizerState(optimizer: tf.AdamOptimizer, model: SeqModel): Promise<Map<string, tf.Tensor>> {
  const byVarName = new Map([...model.vars].map(([k, v]) => [v.name, k]));
  const out = new Map<string, tf.Tensor>();
  for (const { name, tensor } of await optimizer.getWeights()) {
    const slash = name.lastIndexOf('/');
    const key = slash > 0 ? byVarName.get(name.slice(0, slash)) : undefined;
    out.set(key ? `${key}${name.slice(slash)}` : name, tf.clone(tensor));
  }
  return out;
}

async function restoreOptimizer(optimizer: tf.AdamOptimizer, model: SeqModel, state: Map<string, tf.Tensor>): Promise<void> {
  // Order matters (iterations first, then first and second moments in variable order): keep it.
  const named: { name: string; tensor: tf.Tensor }[] = [];
  for (const [key, tensor] of state) {
    const slash = key.lastIndexOf('/');
    const v = slash > 0 ? model.vars.get(key.slice(0, slash)) : undefined;
    named.push({ name: v ? `${v.name}${key.slice(slash)}` : key, tensor });
  }
  await optimizer.setWeights(named);
}

export async function trainSeqModel(
  model: SeqModel,
  train: SessionSet,
  config: Partial<TrainConfig> = {},
  hooks: TrainHooks & { onCheckpoint?(cp: TrainCheckpoint): Promise<void> | void } = {},
  resume?: TrainCheckpoint,
): Promise<TrainResult> {
  if (model.frozen) throw new Error('the model is frozen for inference (seqRecommender); train a fresh or reloaded model');
  const cfg: TrainConfig = { ...TRAIN_DEFAULTS, ...config };
  const { fit, val } = innerSplit(train, cfg);
  const optimizer = tf.train.adam(cfg.lr);
  const vars = model.trainable();
  const decayed = vars.filter((v) => v.shape.length === 2); // matrices and embeddings, not biases/norms
  const history: EpochLog[] = resume ? [...resume.history] : [];
  let best = resume?.best ?? -1;
  let bestEpoch = resume?.bestEpoch ?? 0;
  let bestWeights: Map<string, tf.Tensor> | null = resume?.bestWeights ? new Map([...resume.bestWeights].map(([k, t]) => [k, tf.clone(t)])) : null;
  if (resume) {
    for (const [k, t] of resume.weights) model.vars.get(k)?.assign(t);
    await restoreOptimizer(optimizer, model, resume.optimizer);
  }
  const stoppedEarly = resume !== undefined && resume.epoch - resume.bestEpoch >= cfg.patience;
  try {
    for (let epoch = (resume?.epoch ?? 0) + 1; epoch <= cfg.epochs && !stoppedEarly; epoch++) {
      const te = performance.now();
      // Per-epoch random streams: a resumed run draws exactly what an uninterrupted one would.
      const rand = mulberry32((cfg.seed * 7919 + epoch) >>> 0);
      model.reseedDropout(cfg.seed * 104729 + epoch * 1000003);
      const batches = makeBatches(fit, model.config.arch === 'bert4rec' ? model.config.maxLen : model.config.maxLen + 1, cfg.batchSize, rand);
      let lossSum = 0;
      for (const [bi, batch] of batches.entries()) {
        const { flat, L, flatPositions, targets } = batchTensors(model, batch, cfg, rand);
        const loss = tf.tidy(() => {
          const tokens = tf.tensor2d(flat, [batch.length, L], 'int32');
          const posT = tf.tensor1d(flatPositions, 'int32');
          const targetT = tf.tensor1d(targets, 'int32');
          const { value, grads } = tf.variableGrads(() => {
            const h = model.encode(tokens, true);
            const rows = lookupRows(tf.reshape(h, [-1, model.config.dim]) as tf.Tensor2D, posT);
            return sparseCrossEntropy(model.itemLogits(rows), targetT);
          }, vars);
          const clipped = cfg.clipNorm ? clipByGlobalNorm(grads, cfg.clipNorm) : grads;
          optimizer.applyGradients(Object.entries(clipped).map(([name, tensor]) => ({ name, tensor })));
          if (cfg.weightDecay > 0) for (const v of decayed) v.assign(tf.mul(v, 1 - cfg.lr * cfg.weightDecay));
          return value.dataSync()[0];
        });
        lossSum += loss;
        hooks.onBatch?.(epoch, bi + 1, batches.length, lossSum / (bi + 1));
        await new Promise((r) => setTimeout(r, 0)); // let progress output and checkpoint writes run
      }
      const valNdcg20 = validationNdcg(model, val);
      const log: EpochLog = { epoch, loss: lossSum / Math.max(1, batches.length), valNdcg20, seconds: (performance.now() - te) / 1000 };
      history.push(log);
      const improved = valNdcg20 > best;
      if (improved) {
        best = valNdcg20;
        bestEpoch = epoch;
        bestWeights?.forEach((t) => t.dispose());
        bestWeights = new Map([...model.vars].map(([k, v]) => [k, tf.clone(v)]));
      }
      hooks.onEpoch?.(log, improved);
      if (hooks.onCheckpoint) {
        const cp: TrainCheckpoint = {
          epoch,
          history: [...history],
          best,
          bestEpoch,
          weights: new Map([...model.vars].map(([k, v]) => [k, tf.clone(v)])),
          bestWeights: bestWeights ? new Map([...bestWeights].map(([k, t]) => [k, tf.clone(t)])) : null,
          optimizer: await optimizerState(optimizer, model),
        };
        try {
          await hooks.onCheckpoint(cp);
        } finally {
          disposeCheckpoint(cp);
        }
      }
      if (!improved && epoch - bestEpoch >= cfg.patience) break;
    }
    if (bestWeights) for (const [k, t] of bestWeights) model.vars.get(k)?.assign(t);
  } finally {
    bestWeights?.forEach((t) => t.dispose());
    optimizer.dispose();
  }
  // Training time over every epoch, including those before a resume.
  return { history, bestEpoch, bestValNdcg20: best, seconds: history.reduce((a, h) => a + h.seconds, 0) };
}

export function disposeCheckpoint(cp: TrainCheckpoint): void {
  cp.weights.forEach((t) => t.dispose());
  cp.bestWeights?.forEach((t) => t.dispose());
  cp.optimizer.forEach((t) => t.dispose());
}
