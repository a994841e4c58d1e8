import { PCA } from 'ml-pca';
import { describe, expect, it } from 'vitest';
import { DECAYS, decayWeights } from '../src/core/session/decay.js';
import { denseMatrix, jsDotKernel } from '../src/core/vectors/matrix.js';
import { pcaReduce, randomProject } from '../src/core/vectors/reduce.js';
import { mulberry32 } from '../src/core/vectors/random.js';
import { fitLlmSeqSim, LLMSEQSIM_DEFAULTS, type LlmSeqSimConfig } from '../src/recommenders/llmseqsim.js';
import { sessionsOf, top } from './helpers.js';

describe('position decays (dh-r decay_utils)', () => {
  const close = (a: Float64Array, b: number[]) => a.forEach((v, i) => expect(v).toBeCloseTo(b[i], 12));
  it('weights the last item 1 and older items less', () => {
    close(decayWeights('none', 3), [1, 1, 1]);
    close(decayWeights('harmonic', 3), [1 / 3, 1 / 2, 1]);
    close(decayWeights('squared_harmonic', 3), [1 / 9, 1 / 4, 1]);
    close(decayWeights('constant_linear', 3), [0.8, 0.9, 1]);
    close(decayWeights('scaling_linear', 4), [0.25, 0.5, 0.75, 1]);
    close(decayWeights('scaling_quadratic', 4), [0.0625, 0.25, 0.5625, 1]);
    close(decayWeights('log', 3), [1 / (Math.log(3) + 1), 1 / (Math.log(2) + 1), 1]);
    expect(decayWeights('constant_linear', 12)[0]).toBe(0.00001);
  });
});

// 2-d item vectors: 0 (1,0)  1 (0,1)  2 (1,1)  3 (-1,0)  4 (2,0)  5 (.5,.5)  6 (1,2)
const E = denseMatrix(7, 2, Float32Array.from([1, 0, 0, 1, 1, 1, -1, 0, 2, 0, 0.5, 0.5, 1, 2]));
const train = sessionsOf([[0, 1]]);
const fit = (c: Partial<LlmSeqSimConfig>) => fitLlmSeqSim({ train, nItems: 7, embeddings: E }, { ...LLMSEQSIM_DEFAULTS, ...c });

describe('LLMSeqSim (hand-computed on 2-d vectors)', () => {
  const session = Int32Array.from([1, 0]); // last item is 0 = (1,0)

  it('last + cosine: direction only', () => {
    const r = fit({ aggregation: 'last', similarity: 'cosine' }).recommend(session, 5);
    expect(top(r)).toEqual([4, 2, 5, 6, 3]); // 2 and 5 tie at cos 45deg: lower index first
    expect(r.scores[0]).toBeCloseTo(1, 6);
    expect(r.scores[1]).toBeCloseTo(Math.SQRT1_2, 6);
    expect(r.scores[4]).toBeCloseTo(-1, 6);
  });

  it('last + dot: length counts', () => {
    const r = fit({ aggregation: 'last', similarity: 'dot' }).recommend(session, 5);
    expect(top(r)).toEqual([4, 2, 6, 5, 3]);
    expect(Array.from(r.scores)).toEqual([2, 1, 1, 0.5, -1]);
  });

  it('last + euclidean: 1 / (1 + distance)', () => {
    const r = fit({ aggregation: 'last', similarity: 'euclidean' }).recommend(session, 5);
    expect(top(r)).toEqual([5, 2, 4, 3, 6]); // d: 5 .707, 2 1, 4 1, 3 2, 6 2
    expect(r.scores[0]).toBeCloseTo(1 / (1 + Math.SQRT1_2), 6);
    expect(r.scores[3]).toBeCloseTo(1 / 3, 6);
  });

  it('mean with harmonic decay pulls the session towards its last item', () => {
    // session [0, 1]: weights 1/2, 1 -> (1/3, 2/3), the direction of item 6 exactly
    const r = fit({ aggregation: 'mean', decay: 'harmonic' }).recommend(Int32Array.from([0, 1]), 1);
    expect(top(r)).toEqual([6]);
    expect(r.scores[0]).toBeCloseTo(1, 6);
    // because: item 1 (weight 1, cos .89 to item 6) beats item 0 (weight .5, cos .45)
    expect(Array.from(fit({ aggregation: 'mean', decay: 'harmonic' }).recommend(Int32Array.from([0, 1]), 1, true).because!)).toEqual([1]);
    expect(Array.from(fit({ aggregation: 'last' }).recommend(Int32Array.from([1, 0]), 2, true).because!)).toEqual([0, 0]);
    // without decay the mean (.5,.5) points at items 2 and 5 (cos 1)
    const flat = fit({ aggregation: 'mean', decay: 'none' }).recommend(Int32Array.from([0, 1]), 2);
    expect(top(flat)).toEqual([2, 5]);
  });

  it('every decay gives a weighted mean (weights normalised, as numpy.average)', () => {
    for (const decay of DECAYS) {
      const m = fit({ aggregation: 'mean', decay, similarity: 'dot' });
      const q = new Float32Array(2);
      m.sessionEmbedding(Int32Array.from([0, 1, 3]), q);
      const w = decayWeights(decay, 3);
      const s = w[0] + w[1] + w[2];
      expect(q[0]).toBeCloseTo((w[0] * 1 + w[2] * -1) / s, 6);
      expect(q[1]).toBeCloseTo(w[1] / s, 6);
    }
  });

  it('can keep the prompt items when filtering is off', () => {
    expect(top(fit({ aggregation: 'last', filterPromptItems: false }).recommend(session, 1))).toEqual([0]);
  });
});

function randomMatrix(rows: number, cols: number, seed: number) {
  const r = mulberry32(seed);
  return denseMatrix(rows, cols, Float32Array.from({ length: rows * cols }, () => r() * 2 - 1));
}

describe('dimensionality reduction', () => {
  it('PCA keeps the main axis of variation (up to sign) and centres the data', () => {
    // points along (3, 4)/5 with small noise on the other axis
    const r = mulberry32(1);
    const rows = 200;
    const data = new Float32Array(rows * 2);
    const t: number[] = [];
    for (let i = 0; i < rows; i++) {
      const a = r() * 10 - 5;
      const b = (r() - 0.5) * 0.01;
      t.push(a);
      data[2 * i] = 0.6 * a - 0.8 * b + 7;
      data[2 * i + 1] = 0.8 * a + 0.6 * b - 3;
    }
    const red = pcaReduce(denseMatrix(rows, 2, data), 1);
    const mean = t.reduce((x, y) => x + y) / rows;
    const sign = Math.sign(red.data[0] * (t[0] - mean));
    for (let i = 0; i < rows; i++) expect(red.data[i] * sign).toBeCloseTo(t[i] - mean, 1);
    expect(() => pcaReduce(denseMatrix(rows, 2, data), 3)).toThrow(/dims/);
  });

  it("PCA gives ml-pca's projection to the last bit (its 'covarianceMatrix' method), for skewed data too", () => {
    const r = mulberry32(5);
    // Correlated columns of different scales, shifted off the origin.
    const rows = 300;
    const cols = 12;
    const data = new Float32Array(rows * cols);
    for (let i = 0; i < rows; i++) {
      const z = r() * 4 - 2;
      for (let c = 0; c < cols; c++) data[i * cols + c] = z * (c + 1) * 0.3 + (r() - 0.5) * (c % 3) + c;
    }
    const m = denseMatrix(rows, cols, data);
    const list = Array.from({ length: rows }, (_, i) => Array.from(data.subarray(i * cols, (i + 1) * cols)));
    const reference = new PCA(list, { method: 'covarianceMatrix', center: true, scale: false }).predict(list, { nComponents: 5 });
    const ours = pcaReduce(m, 5);
    expect(ours.cols).toBe(5);
    expect(Array.from(ours.data)).toEqual(Array.from(Float32Array.from(reference.to1DArray())));
  });

  it('random projection is seeded and roughly preserves dot products', () => {
    const m = randomMatrix(20, 512, 3);
    const a = randomProject(m, 256, 11);
    expect(Array.from(randomProject(m, 256, 11).data)).toEqual(Array.from(a.data));
    expect(a.cols).toBe(256);
    const dot = (x: Float32Array, i: number, j: number, d: number) => {
      let s = 0;
      for (let c = 0; c < d; c++) s += x[i * d + c] * x[j * d + c];
      return s;
    };
    let err = 0;
    for (let i = 0; i < 20; i++) err += Math.abs(dot(a.data, i, i, 256) - dot(m.data, i, i, 512)) / dot(m.data, i, i, 512);
    expect(err / 20).toBeLessThan(0.2);
  });

  it('LLMSeqSim scores in the reduced space', () => {
    const emb = randomMatrix(50, 32, 5);
    for (const reduction of [{ method: 'pca', dims: 8 }, { method: 'random', dims: 8, seed: 1 }] as const) {
      const m = fitLlmSeqSim({ train, nItems: 50, embeddings: emb }, { ...LLMSEQSIM_DEFAULTS, reduction });
      expect(m.itemVectors.cols).toBe(8);
      expect(top(m.recommend(Int32Array.from([1, 2]), 5)).length).toBe(5);
    }
  });
});

describe('LLMSeqSim batch scoring', () => {
  it('matches one-by-one recommendations for every similarity and aggregation', () => {
    const emb = randomMatrix(300, 16, 9);
    const prompts = [[1, 2, 3], [4], [5, 6, 7, 8, 9, 10], [299, 0]];
    const offsets = [0];
    prompts.forEach((p) => offsets.push(offsets[offsets.length - 1] + p.length));
    const cases = {
      sessionIds: Int32Array.from(prompts.map((_, i) => i)),
      promptOffsets: Int32Array.from(offsets),
      promptItems: Int32Array.from(prompts.flat()),
      targets: Int32Array.from(prompts.map(() => 0)),
    };
    for (const similarity of ['cosine', 'dot', 'euclidean'] as const) {
      for (const aggregation of ['mean', 'last'] as const) {
        const m = fitLlmSeqSim(
          { train, nItems: 300, embeddings: emb, dotKernel: jsDotKernel },
          { ...LLMSEQSIM_DEFAULTS, similarity, aggregation, decay: 'log' },
        );
        const batch = m.recommendBatch!(cases, 10);
        prompts.forEach((p, i) => {
          const one = m.recommend(Int32Array.from(p), 10);
          expect(Array.from(batch.items.subarray(i * 10, i * 10 + 10))).toEqual(Array.from(one.items));
          for (const it of p) expect(Array.from(one.items)).not.toContain(it);
        });
      }
    }
  });
});
