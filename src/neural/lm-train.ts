import * as tf from '@tensorflow/tfjs-core';
import { z } from 'zod';
import { type ItemTokens, pairTokens } from '../core/prompt/lm-tokens.js';
import { mulberry32 } from '../core/vectors/random.js';
import type { LmModel } from './lm.js';
import { lookupRows, sparseCrossEntropy } from './ops.js';

/**
 * Training of the local LLMSeqPrompt language model on the RecSys'23 prompt-completion pairs
 * of the training sessions (the same split as `prompt-data`: the first 500 shuffled sessions
 * validate). Next-token cross-entropy on the completion tokens only (the title of the
 * session's last item and [STOP]), AdamW with global-norm clipping, early stopping on the
 * validation completion loss with patience, restoring the best epoch, and a wall-clock budget.
 */
export const LlmSeqPromptConfig = z
  .object({
    /** The prompt holds the session's last `promptItems` items (the RecSys'23 format holds up to 20). */
    promptItems: z.number().int().positive(),
    /** Each title is cut to its first `titleTokens` tokens. */
    titleTokens: z.number().int().positive(),
    dim: z.number().int().positive(),
    layers: z.number().int().positive(),
    heads: z.number().int().positive(),
    dropout: z.number().min(0).max(0.9),
    batchSize: z.number().int().positive(),
    lr: z.number().positive(),
    weightDecay: z.number().min(0),
    clipNorm: z.number().positive(),
    epochs: z.number().int().positive(),
    patience: z.number().int().positive(),
    /** Training stops after the epoch that crosses this many minutes. */
    maxMinutes: z.number().positive(),
    seed: z.number().int(),
    /** Decoding, as the paper's completions call: temperature, top_p, n, max_tokens, stop="###". */
    temperature: z.number().min(0),
    topP: z.number().gt(0).max(1),
    n: z.number().int().positive(),
    maxTokens: z.number().int().positive(),
    /** Generation budget per session (ms); the names finished by then are used. */
    timeBudgetMs: z.number().positive(),
    /** Constrained decoding: only continuations of catalog names (src/core/prompt/title-trie.ts). */
    constrained: z.boolean().default(false),
  })
  .strict();
export type LlmSeqPromptConfig = z.infer<typeof LlmSeqPromptConfig>;

/**
 * Sized to train in well under an hour on one core with tfjs on WASM: prompts cut to the last
 * 2 items, titles to 16 tokens (Beauty titles average 13.6 tokens), D=64, 2 layers.
 */
export const LLMSEQPROMPT_DEFAULTS: LlmSeqPromptConfig = {
  promptItems: 2,
  titleTokens: 16,
  dim: 64,
  layers: 2,
  heads: 2,
  dropout: 0.1,
  batchSize: 64,
  lr: 3e-3,
  weightDecay: 0.01,
  clipNorm: 1,
  epochs: 30,
  patience: 2,
  maxMinutes: 45,
  seed: 42,
  temperature: 0.5,
  topP: 1,
  n: 20,
  maxTokens: 50,
  timeBudgetMs: 5000,
  // Chosen on the 500 prompt-data validation sessions (`prompt-eval --split valid [--constrained]`):
  // NDCG@20 .0059 constrained vs .0010 free (temperature .5; constrained at .25: .0023, at 1: .0032).
  constrained: true,
};

export interface LmEpochLog {
  readonly epoch: number;
  readonly loss: number;
  readonly valLoss: number;
  readonly seconds: number;
  /** Set when the time budget ended the epoch early: batches run / batches in the epoch. */
  readonly batches?: string;
}

export interface LmTrainResult {
  readonly history: LmEpochLog[];
  readonly bestEpoch: number;
  readonly bestValLoss: number;
  readonly seconds: number;
  readonly stoppedBy: 'early-stopping' | 'epochs' | 'time-budget';
}

interface Example {
  readonly tokens: number[];
  readonly completionStart: number;
}

export function examplesOf(sessions: readonly Int32Array[], items: ItemTokens, promptItems: number): Example[] {
  return sessions.map((s) => pairTokens(items, s, promptItems));
}

/** Right-padded inputs (tokens[:-1]), the flat positions that predict completion tokens, and their targets. */
function batchArrays(batch: readonly Example[]) {
  const L = Math.max(...batch.map((e) => e.tokens.length)) - 1;
  const flat = new Int32Array(batch.length * L);
  const positions: number[] = [];
  const targets: number[] = [];
  batch.forEach((e, r) => {
    for (let p = 0; p + 1 < e.tokens.length; p++) {
      flat[r * L + p] = e.tokens[p];
      if (p + 1 >= e.completionStart) {
        positions.push(r * L + p);
        targets.push(e.tokens[p + 1]);
      }
    }
  });
  return { flat, L, positions: Int32Array.from(positions), targets: Int32Array.from(targets) };
}

function completionLoss(model: LmModel, batch: readonly Example[], training: boolean): tf.Scalar {
  const { flat, L, positions, targets } = batchArrays(batch);
  const h = model.encode(tf.tensor2d(flat, [batch.length, L], 'int32'), training);
  const rows = lookupRows(tf.reshape(h, [-1, model.config.dim]) as tf.Tensor2D, tf.tensor1d(positions, 'int32'));
  return sparseCrossEntropy(model.logits(rows), tf.tensor1d(targets, 'int32'));
}

/** Mean completion-token loss (per token) over examples, no dropout. */
export function validationLoss(model: LmModel, val: readonly Example[], batchSize = 128): number {
  let sum = 0;
  let count = 0;
  for (let b = 0; b < val.length; b += batchSize) {
    const chunk = val.slice(b, b + batchSize);
    const n = chunk.reduce((a, e) => a + e.tokens.length - e.completionStart, 0);
    const loss = tf.tidy(() => completionLoss(model, chunk, false).dataSync()[0]);
    sum += loss * n;
    count += n;
  }
  return count ? sum / count : 0;
}

function clipByGlobalNorm(grads: tf.NamedTensorMap, clip: number): tf.NamedTensorMap {
  return tf.tidy(() => {
    const norm = Math.sqrt(tf.addN(Object.values(grads).map((g) => tf.sum(tf.square(g)))).dataSync()[0]);
    const scale = norm > clip ? clip / norm : 1;
    return Object.fromEntries(Object.entries(grads).map(([k, g]) => [k, tf.mul(g, scale)]));
  });
}

export interface LmTrainHooks {
  onBatch?(epoch: number, batch: number, batches: number, loss: number): void;
  onEpoch?(log: LmEpochLog, improved: boolean): void;
}

export async function trainLm(
  model: LmModel,
  train: readonly Example[],
  val: readonly Example[],
  cfg: LlmSeqPromptConfig,
  hooks: LmTrainHooks = {},
): Promise<LmTrainResult> {
  const optimizer = tf.train.adam(cfg.lr);
  const vars = model.trainable();
  const decayed = vars.filter((v) => v.shape.length === 2);
  const history: LmEpochLog[] = [];
  let best = Infinity;
  let bestEpoch = 0;
  let bestWeights: Map<string, tf.Tensor> | null = null;
  let stoppedBy: LmTrainResult['stoppedBy'] = 'epochs';
  const t0 = performance.now();
  try {
    for (let epoch = 1; epoch <= cfg.epochs; epoch++) {
      const te = performance.now();
      const rand = mulberry32((cfg.seed * 7919 + epoch) >>> 0);
      model.reseedDropout(cfg.seed * 104729 + epoch * 1000003);
      // Batches of similar length (less padding), in shuffled order.
      const order = train.map((_, i) => i);
      for (let i = order.length - 1; i > 0; i--) {
        const j = Math.floor(rand() * (i + 1));
        [order[i], order[j]] = [order[j], order[i]];
      }
      order.sort((a, b) => train[a].tokens.length - train[b].tokens.length);
      const batches: Example[][] = [];
      for (let i = 0; i < order.length; i += cfg.batchSize) batches.push(order.slice(i, i + cfg.batchSize).map((k) => train[k]));
      for (let i = batches.length - 1; i > 0; i--) {
        const j = Math.floor(rand() * (i + 1));
        [batches[i], batches[j]] = [batches[j], batches[i]];
      }
      let lossSum = 0;
      let done = 0;
      let outOfTime = false;
      for (const [bi, batch] of batches.entries()) {
        // The wall-clock budget also ends an epoch early (validated and kept like a full one).
        if (outOfTime || (performance.now() - t0) / 60000 >= cfg.maxMinutes) {
          outOfTime = true;
          break;
        }
        const loss = tf.tidy(() => {
          const { value, grads } = tf.variableGrads(() => completionLoss(model, batch, true), vars);
          const clipped = clipByGlobalNorm(grads, cfg.clipNorm);
          optimizer.applyGradients(Object.entries(clipped).map(([name, tensor]) => ({ name, tensor })));
          if (cfg.weightDecay > 0) for (const v of decayed) v.assign(tf.mul(v, 1 - cfg.lr * cfg.weightDecay));
          return value.dataSync()[0];
        });
        lossSum += loss;
        done++;
        hooks.onBatch?.(epoch, bi + 1, batches.length, lossSum / (bi + 1));
        if ((bi & 7) === 7) await new Promise((r) => setTimeout(r, 0));
      }
      const valLoss = validationLoss(model, val);
      const log: LmEpochLog = { epoch, loss: lossSum / Math.max(1, done), valLoss, seconds: (performance.now() - te) / 1000, ...(outOfTime ? { batches: `${done}/${batches.length}` } : {}) };
      history.push(log);
      const improved = valLoss < best;
      if (improved) {
        best = valLoss;
        bestEpoch = epoch;
        bestWeights?.forEach((t) => t.dispose());
        bestWeights = new Map([...model.vars].map(([k, v]) => [k, tf.clone(v)]));
      }
      hooks.onEpoch?.(log, improved);
      if (!improved && epoch - bestEpoch >= cfg.patience) {
        stoppedBy = 'early-stopping';
        break;
      }
      if (outOfTime || (performance.now() - t0) / 60000 >= cfg.maxMinutes) {
        stoppedBy = 'time-budget';
        break;
      }
    }
    if (bestWeights) for (const [k, t] of bestWeights) model.vars.get(k)?.assign(t);
  } finally {
    bestWeights?.forEach((t) => t.dispose());
    optimizer.dispose();
  }
  return { history, bestEpoch, bestValLoss: best, seconds: history.reduce((a, h) => a + h.seconds, 0), stoppedBy };
}
