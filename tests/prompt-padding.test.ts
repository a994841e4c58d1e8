import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../src/core/vectors/random.js';
import { bucketLength, SeqModel } from '../src/neural/model.js';
import { seqRecommender } from '../src/neural/recommender.js';
import { initTfjs } from '../src/node/tfjs-setup.js';

/**
 * One-session scoring pads prompts to a few fixed lengths (GPU backends then compile a few
 * programs once) and runs GRU4Rec's recurrence on the CPU: both must score exactly what the
 * unpadded tfjs graph scores, for every prompt length.
 */
const N_ITEMS = 60;

function model(arch: 'bert4rec' | 'sasrec' | 'gru4rec'): SeqModel {
  const m = new SeqModel({ arch, nItems: N_ITEMS, maxLen: 20, dim: 16, layers: 2, heads: 2, dropout: 0, seed: 11, hidden: 24 });
  // Weights far from the 0.02-std init, so scores spread out and a wrong step would show.
  tf.tidy(() => {
    for (const v of m.vars.values()) v.assign(tf.mul(v, v.name.includes('gamma') ? 1 : 30));
  });
  return m.freeze(); // final weights: GRU4Rec's one-session path runs on the CPU copy
}

describe('padded prompts score as unpadded ones', async () => {
  await initTfjs();
  const rand = mulberry32(5);
  const prompts = Array.from({ length: 26 }, (_, i) => Array.from({ length: i + 1 }, () => Math.floor(rand() * N_ITEMS)));

  for (const arch of ['bert4rec', 'sasrec', 'gru4rec'] as const) {
    it(`${arch}: every bucket length and the app's one-session path give the unpadded scores and top-10`, () => {
      const m = model(arch);
      for (const p of prompts) {
        const plain = m.scorePrompts([p]);
        const n = m.inferenceTokens(p).length;
        const padded = m.scorePrompts([p], bucketLength(n, 20));
        const padMax = m.scorePrompts([p], 20);
        const one = m.scoreOneSession(p);
        const want = plain.dataSync();
        expect(Math.max(...want) - Math.min(...want)).toBeGreaterThan(1); // scores are spread
        for (const t of [padded, padMax, one]) {
          const got = t.dataSync();
          let maxErr = 0;
          for (let i = 0; i < want.length; i++) maxErr = Math.max(maxErr, Math.abs(got[i] - want[i]) / Math.max(1, Math.abs(want[i])));
          expect(maxErr, `${arch} prompt length ${p.length}`).toBeLessThan(2e-5);
        }
        tf.dispose([plain, padded, padMax, one]);
      }
      // The recommender's top-10 (one-session path) equals the plain graph's top-10.
      const rec = seqRecommender(m, arch, {});
      for (const p of prompts) {
        const plain = m.scorePrompts([p]);
        const row = Array.from(plain.dataSync());
        plain.dispose();
        for (const i of p) row[i] = -Infinity;
        const expected = row.map((s, i) => [s, i] as const).sort((a, b) => b[0] - a[0] || a[1] - b[1]).slice(0, 10).map(([, i]) => i);
        expect(Array.from(rec.recommend(Int32Array.from(p), 10).items), `${arch} length ${p.length}`).toEqual(expected);
      }
      rec.dispose?.();
    });
  }

  it('the buckets are few', () => {
    expect(new Set(Array.from({ length: 20 }, (_, i) => bucketLength(i + 1, 20)))).toEqual(new Set([5, 10, 20]));
    expect(bucketLength(3, 8)).toBe(5);
    expect(bucketLength(7, 8)).toBe(8);
  });
});

describe('re-ranking candidates from a vector index with a sequential model', async () => {
  await initTfjs();
  const { seqCandidateScorer } = await import('../src/neural/candidates.js');
  for (const arch of ['sasrec', 'gru4rec'] as const) {
    it(`${arch}: candidate scores equal the full-catalog scores at those items`, async () => {
      const m = model(arch);
      const session = Int32Array.from([3, 17, 42, 8]);
      const candidates = Int32Array.from([59, 0, 8, 33, 21, 70]); // 70 is past the catalog
      const full = m.scoreOneSession(session);
      const all = full.dataSync();
      full.dispose();
      const got = await seqCandidateScorer(m)(session, candidates);
      candidates.forEach((c, i) => {
        if (c < N_ITEMS) expect(got[i]).toBeCloseTo(all[c], 4);
        else expect(got[i]).toBe(-Infinity);
      });
      m.dispose();
    });
  }
});
