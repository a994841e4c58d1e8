import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../src/core/vectors/random.js';
import { startGradientPeer } from '../src/node/gradient-peer.js';
import { initTfjs, registerGradients } from '../src/node/tfjs-setup.js';
import { SeqModel, type SeqModelConfig } from '../src/neural/model.js';
import { batchGradients, buildBatch, copiesPerSession, epochBatches, splitBatch, trainSeqModel, trainStep, validationNdcg } from '../src/neural/train.js';
import { lookupRows, sparseCrossEntropy, tiedLogits } from '../src/neural/ops.js';
import { sessionsOf } from './helpers.js';

// A learnable pattern: item i is always followed by item i+1 (mod 30).
const N_ITEMS = 30;
function cyclicSessions(n: number, seed = 1): number[][] {
  const rand = mulberry32(seed);
  return Array.from({ length: n }, () => {
    const start = Math.floor(rand() * N_ITEMS);
    const len = 4 + Math.floor(rand() * 5);
    return Array.from({ length: len }, (_, j) => (start + j) % N_ITEMS);
  });
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let d = 0;
  for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i] - b[i]));
  return d;
}

function hitRateAt1(model: SeqModel, prompts: number[][], next: number[]): number {
  const scores = model.scorePrompts(prompts);
  const data = scores.dataSync();
  scores.dispose();
  let hits = 0;
  prompts.forEach((p, r) => {
    const row = Array.from(data.subarray(r * N_ITEMS, (r + 1) * N_ITEMS));
    for (const it of p) row[it] = -Infinity;
    if (row.indexOf(Math.max(...row)) === next[r]) hits++;
  });
  return hits / prompts.length;
}

describe('sequential models in tfjs (wasm)', async () => {
  await initTfjs();
  await registerGradients();
  const base = { nItems: N_ITEMS, maxLen: 8, dim: 32, layers: 1, heads: 2, dropout: 0, seed: 3 };
  const train = sessionsOf(cyclicSessions(600));
  const prompts = Array.from({ length: N_ITEMS }, (_, i) => [i, (i + 1) % N_ITEMS, (i + 2) % N_ITEMS]);
  const next = prompts.map((p) => (p[2] + 1) % N_ITEMS);

  for (const arch of ['sasrec', 'bert4rec', 'gru4rec'] as const) {
    it(`${arch} learns "i is followed by i+1" to near-perfect HR@1 in seconds`, async () => {
      const model = new SeqModel({ ...base, arch, hidden: 48 });
      const before = hitRateAt1(model, prompts, next);
      // BERT4Rec with the paper's sampling (here 1 last-item copy + 3 random-mask copies per
      // session per epoch, to keep the test fast) needs fewer epochs.
      const sampling = arch === 'bert4rec' ? { epochs: 6, maskCopies: 3, lastItemCopy: true } : { epochs: 80 };
      const r = await trainSeqModel(model, train, { ...sampling, batchSize: 64, lr: 1e-2, maskProb: 0.5, patience: 10, clipNorm: 5, weightDecay: 0.001 });
      const after = hitRateAt1(model, prompts, next);
      expect(before).toBeLessThan(0.3);
      expect(after).toBeGreaterThanOrEqual(0.9);
      expect(r.bestValNdcg20).toBeGreaterThan(0.8);
      expect(r.history.length).toBeGreaterThan(0);
      model.dispose();
    });
  }

  it("BERT4Rec's epoch holds 1 + N sequences per session: one with only the last item masked, N with random masks", () => {
    const seqs = cyclicSessions(50, 4).map((s) => ({ items: Int32Array.from(s) }));
    const cfg = { maskCopies: 10, lastItemCopy: true, maskProb: 0.5 };
    const copies = copiesPerSession('bert4rec', cfg);
    expect(copies).toBe(11);
    expect(copiesPerSession('sasrec', cfg)).toBe(1);
    const rand = mulberry32(9);
    const batches = epochBatches(seqs, 8, copies, 16, rand);
    const codes = batches.flatMap((b) => Array.from(b)).sort((a, b) => a - b);
    expect(codes).toEqual(Array.from({ length: 50 * 11 }, (_, i) => i)); // every (session, copy) once
    const maskToken = N_ITEMS + 1;
    let randomMasked = 0;
    let randomTokens = 0;
    for (const b of batches) {
      const x = buildBatch('bert4rec', 8, maskToken, seqs, b, copies, cfg, rand);
      expect(x.positions.length).toBe(x.targets.length);
      for (let r = 0; r < x.rows; r++) {
        const row = x.tokens.subarray(r * x.L, (r + 1) * x.L);
        const session = seqs[Math.floor(b[r] / copies)].items;
        const masked = Array.from(row.keys()).filter((p) => row[p] === maskToken);
        if (b[r] % copies === 0) {
          expect(masked).toEqual([x.L - 1]); // the inference task: only the last item masked
        } else {
          expect(masked.length).toBeGreaterThan(0);
          randomMasked += masked.length;
          randomTokens += Math.min(session.length, 8);
        }
        // Every masked position is predicted with the item it hides.
        for (const p of masked) {
          const j = Array.from(x.positions).indexOf(r * x.L + p);
          expect(j).toBeGreaterThanOrEqual(0);
          expect(x.targets[j]).toBe(session[session.length - (x.L - p)]);
        }
      }
      expect(x.L).toBeLessThanOrEqual(8);
    }
    expect(randomMasked / randomTokens).toBeGreaterThan(0.45);
    expect(randomMasked / randomTokens).toBeLessThan(0.6);
  });

  it('the cross-entropy and its hand-written gradient match log-softmax computed directly', () => {
    const logits = tf.tensor2d([[1, 2, 0.5, -1], [0.3, -0.2, 4, 1], [2, 2, 2, 2]]);
    const targets = tf.tensor1d([1, 0, 3], 'int32');
    const reference = (x: tf.Tensor2D) => tf.neg(tf.mean(tf.sum(tf.mul(tf.logSoftmax(x), tf.cast(tf.oneHot(targets, 4), 'float32')), 1))) as tf.Scalar;
    expect(sparseCrossEntropy(logits, targets).dataSync()[0]).toBeCloseTo(reference(logits).dataSync()[0], 5);
    const g = tf.grad((x: tf.Tensor) => sparseCrossEntropy(x as tf.Tensor2D, targets))(logits).dataSync();
    const gRef = tf.grad((x: tf.Tensor) => reference(x as tf.Tensor2D))(logits).dataSync();
    gRef.forEach((v, i) => expect(g[i]).toBeCloseTo(v, 5));
    // Far-off targets (p[target] underflows float32): the loss is still exact, the gradient finite.
    const far = tf.tensor2d([[100, -100, 0, 50], [0, 0, 0, 90]]);
    const farTargets = tf.tensor1d([1, 0], 'int32');
    expect(sparseCrossEntropy(far, farTargets).dataSync()[0]).toBeCloseTo((200 + 90) / 2, 3);
    const gFar = tf.grad((x: tf.Tensor) => sparseCrossEntropy(x as tf.Tensor2D, farTargets))(far).dataSync();
    expect(gFar[1]).toBeCloseTo(-0.5, 5); // (0 - 1) / M at the target
    expect(gFar[0]).toBeCloseTo(0.5, 5); // (1 - 0) / M at the winner
    // The tied output layer's hand-written gradients equal those of tf.matMul + tf.add.
    const h = tf.tensor2d([[0.5, -1], [1, 0.3], [0.2, -2]]);
    const w = tf.tensor2d([[0.1, 0.4], [-0.3, 0.2], [0.7, -0.1], [0.05, 0.3]]);
    const bias = tf.tensor1d([0.1, -0.3, 0.2, 0.05]);
    const fast = tf.grads((a: tf.Tensor, b: tf.Tensor, c: tf.Tensor) => sparseCrossEntropy(tiedLogits(a as tf.Tensor2D, b as tf.Tensor2D, c as tf.Tensor1D), targets))([h, w, bias]);
    const ref = tf.grads((a: tf.Tensor, b: tf.Tensor, c: tf.Tensor) => reference(tf.add(tf.matMul(a, b, false, true), c) as tf.Tensor2D))([h, w, bias]);
    expect(tiedLogits(h, w, bias).dataSync()[5]).toBeCloseTo(tf.add(tf.matMul(h, w, false, true), bias).dataSync()[5], 6);
    ref.forEach((r, k) => Array.from(r.dataSync()).forEach((v, i) => expect(fast[k].dataSync()[i]).toBeCloseTo(v, 5)));
  });

  it("a training step (fast ops, clipping without read-back) moves the weights as tfjs' own ops do", async () => {
    for (const arch of ['bert4rec', 'sasrec'] as const) {
      const cfg = { ...base, arch, dropout: 0 };
      const fast = new SeqModel(cfg);
      const ref = new SeqModel(cfg);
      const seqs = cyclicSessions(40, 2).map((x) => ({ items: Int32Array.from(x) }));
      const codes = Int32Array.from({ length: 40 }, (_, i) => i);
      const batch = buildBatch(arch, 8, N_ITEMS + 1, seqs, codes, 1, { maskProb: 0.4, lastItemCopy: false }, mulberry32(3));
      const opts = { lr: 0.05, clipNorm: 0.5, weightDecay: 0.01 }; // a small clip norm: the clipping is exercised
      const fastLoss = await trainStep(fast, opts).step(batch);
      // The reference: tf.matMul with a transpose flag, tf.add, log-softmax, clipping read back to JS.
      const optimizer = tf.train.adam(opts.lr);
      const refLoss = tf.tidy(() => {
        const { value, grads } = tf.variableGrads(() => {
          const h = tf.reshape(ref.encode(tf.tensor2d(batch.tokens, [batch.rows, batch.L], 'int32'), true), [-1, base.dim]);
          const rows = lookupRows(h as tf.Tensor2D, tf.tensor1d(batch.positions, 'int32'));
          const table = tf.slice(ref.vars.get('items')!, [1, 0], [N_ITEMS, base.dim]);
          const logits = tf.add(tf.matMul(rows, table, false, true), ref.vars.get('itemBias')!);
          const onehot = tf.cast(tf.oneHot(tf.tensor1d(batch.targets, 'int32'), N_ITEMS), 'float32');
          return tf.neg(tf.mean(tf.sum(tf.mul(tf.logSoftmax(logits), onehot), 1))) as tf.Scalar;
        }, ref.trainable());
        const norm = Math.sqrt(tf.addN(Object.values(grads).map((g) => tf.sum(tf.square(g)))).dataSync()[0]);
        const scale = Math.min(1, opts.clipNorm / norm);
        optimizer.applyGradients(Object.entries(grads).map(([name, g]) => ({ name, tensor: tf.mul(g, scale) })));
        for (const v of ref.trainable()) if (v.shape.length === 2) v.assign(tf.mul(v, 1 - opts.lr * opts.weightDecay));
        return value.dataSync()[0];
      });
      expect(fastLoss).toBeCloseTo(refLoss, 5);
      for (const [k, v] of fast.vars) {
        expect(maxAbsDiff(v.dataSync(), ref.vars.get(k)!.dataSync()), `${arch} ${k}`).toBeLessThan(1e-5);
      }
      [fast, ref].forEach((m) => m.dispose());
    }
  });

  it("a batch split by rows: the parts' gradients, each weighted by its share of the predicted positions, add up to the batch's", () => {
    const model = new SeqModel({ ...base, arch: 'bert4rec', dropout: 0 });
    const seqs = cyclicSessions(30, 6).map((x) => ({ items: Int32Array.from(x) }));
    const batch = buildBatch('bert4rec', 8, N_ITEMS + 1, seqs, Int32Array.from({ length: 30 }, (_, i) => i), 1, { maskProb: 0.4, lastItemCopy: false }, mulberry32(4));
    const parts = splitBatch(batch, 3);
    expect(parts.reduce((a, p) => a + p.batch.rows, 0)).toBe(30);
    expect(parts.reduce((a, p) => a + p.share, 0)).toBeCloseTo(1, 10);
    tf.tidy(() => {
      const whole = batchGradients(model, batch);
      const split = parts.map((p) => batchGradients(model, p.batch, p.share));
      expect(split.reduce((a, p) => a + p.value.dataSync()[0], 0)).toBeCloseTo(whole.value.dataSync()[0], 5);
      for (const [k, g] of whole.grads) {
        const sum = tf.addN(split.map((p) => p.grads.get(k)!)).dataSync();
        const ref = g.dataSync();
        let d = 0;
        for (let i = 0; i < ref.length; i++) d = Math.max(d, Math.abs(sum[i] - ref[i]));
        expect(d, k).toBeLessThan(1e-6);
      }
    });
    model.dispose();
  });

  it('data-parallel training on two threads (a gradient worker takes half of each batch) moves the weights as one thread does', async () => {
    for (const arch of ['bert4rec', 'gru4rec'] as const) {
      const cfg = { ...base, arch, dropout: 0, hidden: 16 };
      const one = new SeqModel(cfg);
      const two = new SeqModel(cfg);
      const peer = await startGradientPeer(cfg);
      try {
        const seqs = cyclicSessions(40, 5).map((x) => ({ items: Int32Array.from(x) }));
        const codes = Int32Array.from({ length: 40 }, (_, i) => i);
        const opts = { lr: 0.05, clipNorm: 0.5, weightDecay: 0.01 };
        const a = trainStep(one, opts);
        const b = trainStep(two, opts, [peer]);
        for (let s = 0; s < 3; s++) {
          const batch = buildBatch(arch, 8, N_ITEMS + 1, seqs, codes, 1, { maskProb: 0.4, lastItemCopy: false }, mulberry32(10 + s));
          expect(await b.step(batch)).toBeCloseTo(await a.step(batch), 5);
        }
        for (const [k, v] of one.vars) {
          // 1% of one step (lr .05): Adam divides by the gradients' size, so rounding in near-zero
          // gradients moves a weight by a visible fraction of a step; a wrong part is off by whole steps.
          expect(maxAbsDiff(v.dataSync(), two.vars.get(k)!.dataSync()), `${arch} ${k}`).toBeLessThan(5e-4);
        }
        a.optimizer.dispose();
        b.optimizer.dispose();
      } finally {
        await peer.close();
        [one, two].forEach((m) => m.dispose());
      }
    }
  });

  it('SASRec attention is causal: changing a later item does not change earlier outputs', () => {
    const model = new SeqModel({ ...base, arch: 'sasrec' });
    const a = tf.tensor2d([[0, 3, 4, 5, 6]], [1, 5], 'int32');
    const b = tf.tensor2d([[0, 3, 4, 5, 20]], [1, 5], 'int32');
    const ha = model.encode(a, false).arraySync()[0];
    const hb = model.encode(b, false).arraySync()[0];
    // Positions 1-3 hold real items before the changed one (position 0 is padding: its output is never used).
    for (let p = 1; p < 4; p++) ha[p].forEach((v, c) => expect(hb[p][c]).toBeCloseTo(v, 5));
    expect(Math.max(...ha[4].map((v, c) => Math.abs(v - hb[4][c])))).toBeGreaterThan(1e-3);
    model.dispose();
  });

  it('BERT4Rec attends both ways, and padding never influences real positions', () => {
    const model = new SeqModel({ ...base, arch: 'bert4rec' });
    const ha = model.encode(tf.tensor2d([[3, 4, 5, 31]], [1, 4], 'int32'), false).arraySync()[0];
    const hb = model.encode(tf.tensor2d([[3, 4, 9, 31]], [1, 4], 'int32'), false).arraySync()[0];
    expect(Math.max(...ha[0].map((v, c) => Math.abs(v - hb[0][c])))).toBeGreaterThan(1e-3); // a later item changes an earlier output
    // Left padding: the same sequence with and without pads gives the same outputs at the last position.
    const padded = model.encode(tf.tensor2d([[0, 0, 3, 4, 5, 31]], [1, 6], 'int32'), false).arraySync()[0];
    padded[5].forEach((v, c) => expect(v).toBeCloseTo(ha[3][c], 4));
    model.dispose();
  });

  it('masking at inference: BERT4Rec scores the [MASK] appended after the last N-1 items', () => {
    const cfg: SeqModelConfig = { ...base, arch: 'bert4rec' };
    const model = new SeqModel(cfg);
    expect(model.inferenceTokens([0, 1, 2, 3, 4, 5, 6, 7, 8, 9])).toEqual([4, 5, 6, 7, 8, 9, 10, 31]);
    expect(new SeqModel({ ...cfg, arch: 'sasrec' }).inferenceTokens([0, 1, 2])).toEqual([1, 2, 3]);
    expect(validationNdcg(model, [])).toBe(0);
    model.dispose();
  });
});

describe('saving and loading a trained model', async () => {
  await initTfjs();
  await registerGradients();
  for (const arch of ['bert4rec', 'gru4rec'] as const) it(`${arch} reloads from model.json + weights.bin with the same recommendations`, async () => {
    const { SeqModel } = await import('../src/neural/model.js');
    const { serializeModel, deserializeModel } = await import('../src/neural/io.js');
    const { seqRecommender } = await import('../src/neural/recommender.js');
    const model = new SeqModel({ nItems: 30, maxLen: 8, dim: 16, layers: 2, heads: 2, dropout: 0.1, seed: 9, arch, hidden: 24 });
    await trainSeqModel(model, sessionsOf(cyclicSessions(200)), { epochs: 2, batchSize: 32, lr: 1e-2, maskCopies: 1 });
    const { json, weights } = await serializeModel(model);
    const text = JSON.stringify(json);
    const again = deserializeModel(text, weights);
    const a = seqRecommender(model, arch, {});
    const b = seqRecommender(again, arch, {});
    for (const p of [[1, 2, 3], [7], [20, 21, 22, 23, 24, 25, 26, 27, 28]]) {
      const s = Int32Array.from(p);
      const ra = a.recommend(s, 10);
      const rb = b.recommend(s, 10);
      expect(Array.from(rb.items)).toEqual(Array.from(ra.items));
      rb.scores.forEach((v, i) => expect(v).toBeCloseTo(ra.scores[i], 5));
      for (const it of p) expect(Array.from(ra.items)).not.toContain(it);
    }
    expect(() => deserializeModel(text, weights.subarray(0, 100))).toThrow(/^weights\.bin: is 100 bytes/);
    expect(() => deserializeModel('{"format":"x"}', weights)).toThrow(/^model\.json: does not match the expected format: format/);
    a.dispose?.();
    b.dispose?.();
  });
  it('float16 and uint8 weights (tfjs quantization formats) take 1/2 and 1/4 of the bytes and keep the recommendations', async () => {
    const { serializeModel, deserializeModel } = await import('../src/neural/io.js');
    const { seqRecommender } = await import('../src/neural/recommender.js');
    const model = new SeqModel({ nItems: 30, maxLen: 8, dim: 16, layers: 1, heads: 2, dropout: 0, seed: 4, arch: 'sasrec' });
    await trainSeqModel(model, sessionsOf(cyclicSessions(300)), { epochs: 3, batchSize: 32, lr: 1e-2 });
    const full = await serializeModel(model, 'float32');
    const unfrozen = model.scorePrompts([[1, 2, 3]]);
    const before = Array.from(unfrozen.dataSync());
    unfrozen.dispose();
    const a = seqRecommender(model, 'a', {}); // freezes the item table for scoring
    const after = model.scorePrompts([[1, 2, 3]]);
    Array.from(after.dataSync()).forEach((v, i) => expect(v).toBeCloseTo(before[i], 5));
    after.dispose();
    await expect(trainSeqModel(model, sessionsOf(cyclicSessions(10)), { epochs: 1 })).rejects.toThrow(/frozen/);
    for (const [precision, fraction, tolerance] of [['float16', 2, 0.05], ['uint8', 4, 0.5]] as const) {
      const small = await serializeModel(model, precision);
      expect(small.weights.byteLength * fraction).toBe(full.weights.byteLength);
      expect(small.json.weightsManifest[0].weights.every((w) => w.quantization?.dtype === precision)).toBe(true);
      const b = seqRecommender(deserializeModel(JSON.stringify(small.json), small.weights), 'b', {});
      for (const p of [[1, 2, 3], [9, 10], [25, 26, 27, 28, 29]]) {
        const ra = a.recommend(Int32Array.from(p), 5);
        const rb = await b.recommendAsync!(Int32Array.from(p), 5);
        expect(rb.items[0], `${precision} top item after [${p}]`).toBe(ra.items[0]);
        rb.scores.forEach((v, i) => expect(Math.abs(v - ra.scores[i])).toBeLessThan(tolerance));
      }
      // A truncated file is caught by its size.
      expect(() => deserializeModel(JSON.stringify(small.json), small.weights.subarray(4))).toThrow(/^weights\.bin: is \d+ bytes, model\.json describes/);
      b.dispose?.();
    }
    // Session items the model was not trained on (e.g. added in the app) are left out of its input.
    expect(Array.from(a.recommend(Int32Array.of(1, 2, 3, 30, 31), 5).items)).toEqual(Array.from(a.recommend(Int32Array.of(1, 2, 3), 5).items));
    a.dispose?.();
  });
});

describe('resuming training', async () => {
  await initTfjs();
  await registerGradients();
  it('continuing from an epoch checkpoint gives exactly the uninterrupted run', async () => {
    const { SeqModel } = await import('../src/neural/model.js');
    const { disposeCheckpoint } = await import('../src/neural/train.js');
    type Cp = import('../src/neural/train.js').TrainCheckpoint;
    const cfg = { nItems: 30, maxLen: 8, dim: 16, layers: 1, heads: 2, dropout: 0.2, seed: 5, arch: 'bert4rec' as const };
    const data = sessionsOf(cyclicSessions(300, 7));
    // One sequence per session per epoch keeps the step count small: tfjs' Adam restores its
    // beta powers as pow(beta, t) where a run multiplies them step by step, a float-rounding
    // difference that grows with the steps and that Adam amplifies on weights whose gradient is
    // zero up to noise (the attention key bias); with the paper's 11 copies it reaches 3e-3 there.
    const train = { epochs: 4, batchSize: 32, lr: 5e-3, patience: 10, maskCopies: 1, lastItemCopy: false };

    const straight = new SeqModel(cfg);
    const full = await trainSeqModel(straight, data, train);

    // Interrupted after epoch 2: the checkpoint goes to disk, and a fresh model resumes from it.
    const { saveCheckpoint, loadCheckpoint } = await import('../src/node/train-checkpoint.js');
    const { mkdtempSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const dir = mkdtempSync(join(tmpdir(), 'ckpt-'));
    const first = new SeqModel(cfg);
    await trainSeqModel(first, data, { ...train, epochs: 2 }, { onCheckpoint: (cp) => saveCheckpoint(dir, { cfg, train }, cp) });
    expect(() => loadCheckpoint(dir, { other: true })).toThrow(/different config/);
    const kept: Cp | null = loadCheckpoint(dir, { cfg, train });
    expect(kept?.epoch).toBe(2);
    const resumed = new SeqModel(cfg);
    const rest = await trainSeqModel(resumed, data, train, {}, kept!);
    expect(rest.history.map((h) => h.epoch)).toEqual([1, 2, 3, 4]);
    rest.history.forEach((h, i) => {
      expect(h.loss).toBeCloseTo(full.history[i].loss, 4);
      expect(h.valNdcg20).toBeCloseTo(full.history[i].valNdcg20, 4);
    });
    for (const [k, v] of straight.vars) {
      const a = v.dataSync();
      const b = resumed.vars.get(k)!.dataSync();
      let d = 0;
      for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i] - b[i]));
      expect(d, k).toBeLessThan(1e-4);
    }
    disposeCheckpoint(kept!);
    [straight, first, resumed].forEach((m) => m.dispose());
  });
});
