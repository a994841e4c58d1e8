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
  /**
   * BERT4Rec sampling as the paper's authors do it: per training session per epoch, `maskCopies`
   * sequences with fresh random masks, plus (with `lastItemCopy`) one with only the last item
   * masked, the inference task (paper: 10 + 1). SASRec and GRU4Rec use each session once.
   */
  readonly maskCopies: number;
  readonly lastItemCopy: boolean;
  readonly patience: number;
  /**
   * Learning-rate decay on plateau (Keras' ReduceLROnPlateau with the best weights restored):
   * when an epoch does not improve validation NDCG@20, the best epoch's weights come back and
   * the learning rate is multiplied by `factor`, at most `times` times; patience then counts
   * from the decay. times 0: plain early stopping. `after` (default 1): the decay waits for
   * that many epochs without improvement (with `after` = patience, a run decays where it would
   * have stopped, as ReduceLROnPlateau's own patience does, so a noisy curve is not cut early).
   */
  readonly plateauDecay: { readonly factor: number; readonly times: number; readonly after?: number };
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
  maskCopies: 10,
  lastItemCopy: true,
  patience: 2,
  plateauDecay: { factor: 0.1, times: 0 },
  valFraction: 0.1,
  valMax: 500,
  seed: 42,
};

export interface EpochLog {
  readonly epoch: number;
  readonly loss: number;
  readonly valNdcg20: number;
  readonly seconds: number;
  /** The learning rate the epoch ran at (absent in logs of runs without decay). */
  readonly lr?: number;
  /** After this epoch the best weights were restored and the learning rate decayed. */
  decayed?: boolean;
}

/**
 * What follows an epoch, from the history alone (so a resumed run, even one resumed with a
 * new decay setting, decides as an uninterrupted one would): go on, decay (restore the best
 * weights, lower the learning rate), or stop.
 */
export function plateauAction(history: readonly EpochLog[], bestEpoch: number, cfg: Pick<TrainConfig, 'patience' | 'plateauDecay'>): 'continue' | 'decay' | 'stop' {
  const last = history[history.length - 1];
  if (!last || last.epoch === bestEpoch) return 'continue';
  const decays = history.filter((h) => h.decayed).length;
  const lastDecay = history.reduce((a, h) => (h.decayed ? h.epoch : a), 0);
  const since = last.epoch - Math.max(bestEpoch, lastDecay);
  // No decay since the best epoch and `after` epochs without improvement: a decay if any are left.
  if ((lastDecay < bestEpoch || lastDecay === 0) && decays < cfg.plateauDecay.times && since >= (cfg.plateauDecay.after ?? 1)) return 'decay';
  return since >= cfg.patience ? 'stop' : 'continue';
}

/** The learning rate after the decays in the history. */
export function currentLr(history: readonly EpochLog[], cfg: Pick<TrainConfig, 'lr' | 'plateauDecay'>): number {
  return cfg.lr * cfg.plateauDecay.factor ** history.filter((h) => h.decayed).length;
}

export interface TrainHooks {
  onBatch?(epoch: number, batch: number, batches: number, loss: number): void;
  /** After each epoch; `improved` says the model now holds a new best (e.g. to save it). */
  onEpoch?(log: EpochLog, improved: boolean): void;
}

export interface Seq {
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

/** Training sequences per session per epoch: 1 + maskCopies for BERT4Rec (see TrainConfig), else 1. */
export function copiesPerSession(arch: SeqModel['config']['arch'], cfg: Pick<TrainConfig, 'maskCopies' | 'lastItemCopy'>): number {
  return arch === 'bert4rec' ? Math.max(1, cfg.maskCopies + (cfg.lastItemCopy ? 1 : 0)) : 1;
}

/**
 * One epoch's batches, each an Int32Array of sequence codes `session * copies + copy`. Sequences
 * are bucketed by (windowed) length so a batch is cut to its own longest sequence, shuffled
 * within each length (so a batch mixes sessions rather than holding one session's copies), and
 * the batch order is shuffled. Typed arrays and a counting sort: no per-sequence objects.
 */
export function epochBatches(seqs: readonly Seq[], windowLen: number, copies: number, batchSize: number, rand: () => number): Int32Array[] {
  const counts = new Int32Array(windowLen + 2);
  const lenOf = (s: number) => Math.min(seqs[s].items.length, windowLen);
  for (let s = 0; s < seqs.length; s++) counts[lenOf(s) + 1] += copies;
  for (let l = 1; l < counts.length; l++) counts[l] += counts[l - 1];
  const bucketStart = counts.slice();
  const order = new Int32Array(seqs.length * copies);
  for (let s = 0; s < seqs.length; s++) {
    const l = lenOf(s);
    for (let c = 0; c < copies; c++) order[counts[l]++] = s * copies + c;
  }
  for (let l = 0; l + 1 < bucketStart.length; l++) shuffleRange(order, bucketStart[l], bucketStart[l + 1], rand);
  const batches: Int32Array[] = [];
  for (let i = 0; i < order.length; i += batchSize) batches.push(order.subarray(i, i + batchSize));
  for (let i = batches.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [batches[i], batches[j]] = [batches[j], batches[i]];
  }
  return batches;
}

function shuffleRange(a: Int32Array, from: number, to: number, rand: () => number): void {
  for (let i = to - 1; i > from; i--) {
    const j = from + Math.floor(rand() * (i - from + 1));
    const t = a[i];
    a[i] = a[j];
    a[j] = t;
  }
}

/** A batch as typed arrays: left-padded tokens [rows, L], the flat positions predicted, their targets. */
export interface BatchArrays {
  readonly rows: number;
  readonly L: number;
  readonly tokens: Int32Array;
  readonly positions: Int32Array;
  readonly targets: Int32Array;
}

/**
 * The input tokens, the flat positions whose output is predicted, and their targets. BERT4Rec:
 * copy 0 (with `lastItemCopy`) masks only the last item; other copies mask each item with
 * probability `maskProb` (the last item if none was drawn). SASRec/GRU4Rec: every next item.
 */
export function buildBatch(
  arch: SeqModel['config']['arch'],
  maxLen: number,
  maskToken: number,
  seqs: readonly Seq[],
  codes: Int32Array,
  copies: number,
  cfg: Pick<TrainConfig, 'maskProb' | 'lastItemCopy'>,
  rand: () => number,
): BatchArrays {
  const bert = arch === 'bert4rec';
  const win = bert ? maxLen : maxLen + 1;
  let L = 1;
  for (const code of codes) L = Math.max(L, Math.min(seqs[Math.floor(code / copies)].items.length, win) - (bert ? 0 : 1));
  const rows = codes.length;
  const tokens = new Int32Array(rows * L);
  const positions = new Int32Array(rows * L);
  const targets = new Int32Array(rows * L);
  let n = 0;
  for (let r = 0; r < rows; r++) {
    const code = codes[r];
    const items = seqs[Math.floor(code / copies)].items;
    const w = items.subarray(Math.max(0, items.length - win));
    if (bert) {
      const off = r * L + (L - w.length);
      for (let p = 0; p < w.length; p++) tokens[off + p] = w[p] + 1;
      const first = n;
      if (!(cfg.lastItemCopy && code % copies === 0)) {
        for (let p = 0; p < w.length; p++) {
          if (rand() < cfg.maskProb) {
            positions[n] = off + p;
            targets[n++] = w[p];
            tokens[off + p] = maskToken;
          }
        }
      }
      if (n === first) {
        const p = w.length - 1;
        positions[n] = off + p;
        targets[n++] = w[p];
        tokens[off + p] = maskToken;
      }
    } else {
      const off = r * L + (L - (w.length - 1));
      for (let p = 0; p + 1 < w.length; p++) {
        tokens[off + p] = w[p] + 1;
        positions[n] = off + p;
        targets[n++] = w[p + 1];
      }
    }
  }
  return { rows, L, tokens, positions: positions.subarray(0, n), targets: targets.subarray(0, n) };
}

/**
 * Global-norm gradient clipping (tfjs optimizers have none), as Keras' clipnorm: every gradient
 * times clip / max(norm, clip). The scale stays a tensor, so there is no read-back per step.
 */
function clipByGlobalNorm(grads: tf.NamedTensorMap, clip: number): tf.NamedTensorMap {
  const sq = Object.values(grads).map((g) => tf.sum(tf.square(g)));
  const norm = tf.sqrt(tf.addN(sq));
  const scale = tf.div(clip, tf.maximum(norm, clip));
  return Object.fromEntries(Object.entries(grads).map(([k, g]) => [k, tf.mul(g, scale)]));
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

/**
 * The loss of a batch times `scale` and its gradients, by the model's weight names (call inside
 * tf.tidy): forward, loss at the predicted positions only. `scale` weights a part of a batch
 * split across threads (its share of the predicted positions), so the parts' gradients add up
 * to the whole batch's.
 */
export function batchGradients(model: SeqModel, b: BatchArrays, scale = 1): { value: tf.Scalar; grads: Map<string, tf.Tensor> } {
  const tokens = tf.tensor2d(b.tokens, [b.rows, b.L], 'int32');
  const posT = tf.tensor1d(b.positions, 'int32');
  const targetT = tf.tensor1d(b.targets, 'int32');
  const vars = model.trainable();
  const { value, grads } = tf.variableGrads(() => {
    const h = model.encode(tokens, true);
    const rows = lookupRows(tf.reshape(h, [-1, model.config.dim]) as tf.Tensor2D, posT);
    const loss = sparseCrossEntropy(model.itemLogits(rows), targetT);
    return scale === 1 ? loss : tf.mul(loss, scale);
  }, vars);
  const byName = new Map<string, tf.Tensor>();
  for (const [key, v] of model.vars) if (grads[v.name]) byName.set(key, grads[v.name]); // unused weights have none (GRU4Rec: positions)
  return { value, grads: byName };
}

/**
 * Computes the gradients of part of each batch somewhere else (another thread with its own copy
 * of the model: src/node/gradient-peer.ts), while this thread computes the rest: data-parallel
 * training on several cores. The weights travel with every part; the gradients come back.
 */
export interface GradientPeer {
  /** The part's loss (times `scale`) and its gradients by weight name, for these weights. */
  gradients(weights: ReadonlyMap<string, Float32Array>, part: BatchArrays, scale: number): Promise<{ loss: number; grads: Map<string, Float32Array> }>;
  /** Restarts the peer's dropout stream (per epoch, as SeqModel.reseedDropout). */
  reseedDropout(seed: number): void;
}

/**
 * A batch cut into `parts` consecutive row ranges (as equal as rows allow), each with its own
 * predicted positions (re-based to its rows) and its share of all predicted positions.
 */
export function splitBatch(b: BatchArrays, parts: number): { batch: BatchArrays; share: number }[] {
  const out: { batch: BatchArrays; share: number }[] = [];
  let p0 = 0;
  for (let k = 0; k < parts; k++) {
    const r0 = Math.floor((k * b.rows) / parts);
    const r1 = Math.floor(((k + 1) * b.rows) / parts);
    let p1 = p0;
    while (p1 < b.positions.length && b.positions[p1] < r1 * b.L) p1++; // positions are in row order
    const positions = b.positions.slice(p0, p1);
    for (let i = 0; i < positions.length; i++) positions[i] -= r0 * b.L;
    out.push({
      batch: { rows: r1 - r0, L: b.L, tokens: b.tokens.subarray(r0 * b.L, r1 * b.L), positions, targets: b.targets.subarray(p0, p1) },
      share: (p1 - p0) / b.positions.length,
    });
    p0 = p1;
  }
  return out;
}

/**
 * One optimisation step on a batch (what `trainSeqModel` runs per batch, and what the training
 * benchmark times): forward, loss at the predicted positions, gradients, global-norm clipping,
 * Adam, decoupled weight decay (AdamW). Resolves to the batch's mean loss. With `peers`, each
 * batch is split by rows across this thread and the peers (data-parallel): the same update up to
 * the order of float additions (deterministic for a given number of threads).
 */
export function trainStep(model: SeqModel, cfg: Pick<TrainConfig, 'lr' | 'clipNorm' | 'weightDecay'>, peers: readonly GradientPeer[] = []) {
  const optimizer = tf.train.adam(cfg.lr);
  const decayed = model.trainable().filter((v) => v.shape.length === 2); // matrices and embeddings, not biases/norms
  let decay = 1 - cfg.lr * cfg.weightDecay;
  /** Changes the learning rate of the following steps (Adam's and the decoupled weight decay's). */
  const setLr = (lr: number): void => {
    // tfjs keeps the rate in a protected field that applyGradients reads at every step.
    (optimizer as unknown as { learningRate: number }).learningRate = lr;
    decay = 1 - lr * cfg.weightDecay;
  };
  /** Clipping, Adam and weight decay with the batch's gradients; returns the loss read back. */
  const update = (value: tf.Scalar, grads: Map<string, tf.Tensor>): number => {
    const named = Object.fromEntries([...grads].map(([key, g]) => [model.vars.get(key)!.name, g]));
    const clipped = cfg.clipNorm ? clipByGlobalNorm(named, cfg.clipNorm) : named;
    optimizer.applyGradients(Object.entries(clipped).map(([name, tensor]) => ({ name, tensor })));
    if (cfg.weightDecay > 0) for (const v of decayed) v.assign(tf.mul(v, decay));
    return value.dataSync()[0];
  };
  const step = async (b: BatchArrays): Promise<number> => {
    const parts = splitBatch(b, peers.length + 1);
    if (peers.length === 0 || parts.some((p) => p.batch.positions.length === 0)) {
      return tf.tidy(() => {
        const { value, grads } = batchGradients(model, b);
        return update(value, grads);
      });
    }
    // Every peer gets this step's weights and its rows first, then this thread computes its own.
    const weights = new Map([...model.vars].map(([key, v]) => [key, v.dataSync() as Float32Array]));
    const pending = peers.map((peer, k) => peer.gradients(weights, parts[k + 1].batch, parts[k + 1].share));
    for (const p of pending) p.catch(() => undefined); // a peer's failure surfaces below, not as an unhandled rejection
    const mine = tf.tidy(() => {
      const { value, grads } = batchGradients(model, parts[0].batch, parts[0].share);
      return { value, grads: Object.fromEntries(grads) };
    });
    try {
      const theirs = await Promise.all(pending);
      return tf.tidy(() => {
        const grads = new Map<string, tf.Tensor>();
        for (const [key, g] of Object.entries(mine.grads)) {
          const shape = model.vars.get(key)!.shape;
          grads.set(key, tf.addN([g, ...theirs.map((t) => tf.tensor(t.grads.get(key)!, shape))]));
        }
        return update(tf.add(mine.value, theirs.reduce((a, t) => a + t.loss, 0)) as tf.Scalar, grads);
      });
    } finally {
      tf.dispose([mine.value, ...Object.values(mine.grads)]);
    }
  };
  return { optimizer, step, setLr };
}

export async function trainSeqModel(
  model: SeqModel,
  train: SessionSet,
  config: Partial<TrainConfig> = {},
  hooks: TrainHooks & { onCheckpoint?(cp: TrainCheckpoint): Promise<void> | void } = {},
  resume?: TrainCheckpoint,
  /** Threads that compute part of every batch (data-parallel; see GradientPeer). */
  peers: readonly GradientPeer[] = [],
): Promise<TrainResult> {
  if (model.frozen) throw new Error('the model is frozen for inference (seqRecommender); train a fresh or reloaded model');
  const cfg: TrainConfig = { ...TRAIN_DEFAULTS, ...config };
  const { fit, val } = innerSplit(train, cfg);
  const { optimizer, step, setLr } = trainStep(model, cfg, peers);
  const history: EpochLog[] = resume ? resume.history.map((h) => ({ ...h })) : [];
  let best = resume?.best ?? -1;
  let bestEpoch = resume?.bestEpoch ?? 0;
  let bestWeights: Map<string, tf.Tensor> | null = resume?.bestWeights ? new Map([...resume.bestWeights].map(([k, t]) => [k, tf.clone(t)])) : null;
  /** Restores the best weights and lowers the rate, marking the epoch that triggered it. */
  const applyDecay = (): void => {
    if (bestWeights) for (const [k, t] of bestWeights) model.vars.get(k)?.assign(t);
    history[history.length - 1].decayed = true;
  };
  let stoppedEarly = false;
  if (resume) {
    for (const [k, t] of resume.weights) model.vars.get(k)?.assign(t);
    await restoreOptimizer(optimizer, model, resume.optimizer);
    // The decision after the last saved epoch, under this run's settings (they may be new).
    const last = history[history.length - 1];
    const action = last?.decayed ? 'continue' : plateauAction(history, bestEpoch, cfg);
    if (action === 'decay') applyDecay();
    stoppedEarly = action === 'stop';
  }
  setLr(currentLr(history, cfg));
  try {
    for (let epoch = (resume?.epoch ?? 0) + 1; epoch <= cfg.epochs && !stoppedEarly; epoch++) {
      const te = performance.now();
      // Per-epoch random streams: a resumed run draws exactly what an uninterrupted one would.
      const rand = mulberry32((cfg.seed * 7919 + epoch) >>> 0);
      model.reseedDropout(cfg.seed * 104729 + epoch * 1000003);
      peers.forEach((peer, k) => peer.reseedDropout((cfg.seed * 104729 + epoch * 1000003 + (k + 1) * 7_777_777) >>> 0));
      const { arch, maxLen } = model.config;
      const copies = copiesPerSession(arch, cfg);
      const batches = epochBatches(fit, arch === 'bert4rec' ? maxLen : maxLen + 1, copies, cfg.batchSize, rand);
      let lossSum = 0;
      for (const [bi, codes] of batches.entries()) {
        const b = buildBatch(arch, maxLen, model.maskToken, fit, codes, copies, cfg, rand);
        const loss = await step(b);
        lossSum += loss;
        hooks.onBatch?.(epoch, bi + 1, batches.length, lossSum / (bi + 1));
        await new Promise((r) => setImmediate(r)); // let progress output and checkpoint writes run
      }
      const valNdcg20 = validationNdcg(model, val);
      const lr = currentLr(history, cfg);
      const log: EpochLog = { epoch, loss: lossSum / Math.max(1, batches.length), valNdcg20, seconds: (performance.now() - te) / 1000, lr };
      history.push(log);
      const improved = valNdcg20 > best;
      if (improved) {
        best = valNdcg20;
        bestEpoch = epoch;
        bestWeights?.forEach((t) => t.dispose());
        bestWeights = new Map([...model.vars].map(([k, v]) => [k, tf.clone(v)]));
      }
      const action = plateauAction(history, bestEpoch, cfg);
      if (action === 'decay') {
        applyDecay();
        setLr(currentLr(history, cfg));
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
      if (action === 'stop') break;
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
