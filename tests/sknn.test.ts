import { describe, expect, it } from 'vitest';
import { fitMostPopular } from '../src/recommenders/popularity.js';
import { fitSknn, SKNN_DEFAULTS, type SknnConfig } from '../src/recommenders/sknn.js';
import { denseMatrix } from '../src/core/vectors/matrix.js';
import { mulberry32 } from '../src/core/vectors/random.js';
import { sessionsOf, top } from './helpers.js';

// Training sessions A=[0,1,2], B=[0,3], C=[1,3,4], D=[5,6]; C is the most recent.
const train = sessionsOf([[0, 1, 2], [0, 3], [1, 3, 4], [5, 6]], [100, 200, 400, 300]);
const data = { train, nItems: 7 };
const base: SknnConfig = { ...SKNN_DEFAULTS.sknn, k: 10, sampleSize: 10 };
const prompt = Int32Array.from([0, 1]);

describe('SKNN family (hand-computed)', () => {
  it('SKNN cosine: neighbour similarities A .816, B .5, C .408 add up per item', () => {
    const r = fitSknn(data, 'sknn', base).recommend(prompt, 5);
    expect(top(r)).toEqual([3, 2, 4]);
    expect(r.scores[0]).toBeCloseTo(0.5 + 1 / Math.sqrt(6), 6);
    expect(r.scores[1]).toBeCloseTo(2 / Math.sqrt(6), 6);
    expect(r.scores[2]).toBeCloseTo(1 / Math.sqrt(6), 6);
  });

  it('explains each recommendation by the prompt item its neighbours share most', () => {
    const r = fitSknn(data, 'sknn', base).recommend(prompt, 5, true);
    // 3: via B (shares 0, sim .5) and C (shares 1, sim .41) -> 0; 2: via A (shares both) -> 0 (first); 4: via C -> 1
    expect(Array.from(r.because!.subarray(0, 3))).toEqual([0, 0, 1]);
    expect(fitSknn(data, 'sknn', base).recommend(prompt, 5).because).toBeUndefined();
  });

  it('keeps only the k nearest neighbours', () => {
    expect(top(fitSknn(data, 'sknn', { ...base, k: 1 }).recommend(prompt, 5))).toEqual([2]);
  });

  it('V-SKNN: harmonic decay on the prompt, dot similarity, idf weighting', () => {
    const cfg: SknnConfig = { ...base, similarity: 'dot', decay: 'harmonic', idfWeighting: false };
    const plain = fitSknn(data, 'v-sknn', cfg).recommend(prompt, 5);
    // A: .5 + 1, B: .5, C: 1  ->  item 2: 1.5, item 3: .5 + 1 = 1.5 (tie, lower index first), item 4: 1
    expect(top(plain)).toEqual([2, 3, 4]);
    expect(Array.from(plain.scores.subarray(0, 3))).toEqual([1.5, 1.5, 1]);
    const idf = fitSknn(data, 'v-sknn', { ...cfg, idfWeighting: true }).recommend(prompt, 5);
    const w = (df: number) => 1 + Math.log(4 / df);
    expect(idf.scores[0]).toBeCloseTo(1.5 * w(1), 5);
    expect(idf.scores[1]).toBeCloseTo(1.5 * w(2), 5);
    expect(idf.scores[2]).toBeCloseTo(1 * w(1), 5);
  });

  it('S-SKNN: neighbours weighted by the prompt position of their latest common item', () => {
    const r = fitSknn(data, 's-sknn', { ...base, sequentialWeighting: true }).recommend(prompt, 5);
    // B's only common item is the first prompt item: weight 1/2.
    expect(top(r)).toEqual([2, 3, 4]);
    expect(r.scores[1]).toBeCloseTo(0.5 * 0.5 + 1 / Math.sqrt(6), 6);
  });

  it('SF-SKNN: only items that followed the last prompt item in training', () => {
    // 1 was followed by 2 (in A) and 3 (in C); 4 never directly follows 1.
    expect(top(fitSknn(data, 'sf-sknn', { ...base, sequentialFilter: true }).recommend(prompt, 5))).toEqual([3, 2]);
  });

  it('recent sampling keeps the most recent possible neighbours', () => {
    const r = fitSknn(data, 'sknn', { ...base, k: 1, sampleSize: 1, sampling: 'recent' }).recommend(prompt, 5);
    expect(top(r)).toEqual([3, 4]); // only C
  });

  it('random sampling is seeded and independent of call order', () => {
    const big = sessionsOf(Array.from({ length: 300 }, (_, s) => [s % 7, 7 + (s % 11), 18 + (s % 13)]));
    const cfg: SknnConfig = { ...base, k: 5, sampleSize: 20 };
    const a = fitSknn({ train: big, nItems: 31 }, 'sknn', cfg);
    const b = fitSknn({ train: big, nItems: 31 }, 'sknn', cfg);
    const p1 = Int32Array.from([0, 7]);
    const p2 = Int32Array.from([3, 9]);
    const first = top(a.recommend(p1, 10));
    b.recommend(p2, 10);
    expect(top(b.recommend(p1, 10))).toEqual(first);
    const other = fitSknn({ train: big, nItems: 31 }, 'sknn', { ...cfg, seed: 7 });
    expect(other.recommend(p1, 10).items.length).toBe(10);
  });

  it('never recommends prompt items and ignores untrained prompt items', () => {
    const m = fitSknn(data, 'sknn', base);
    for (const r of [m.recommend(Int32Array.from([0, 1, 3]), 5), m.recommend(Int32Array.from([0, 1]), 5)]) {
      expect(top(r)).not.toContain(0);
      expect(top(r)).not.toContain(1);
    }
    expect(top(m.recommend(Int32Array.from([]), 5))).toEqual([]);
  });

  it('SKNNEmb: neighbours by session-embedding similarity', () => {
    // item vectors: 0 (1,0) 1 (0,1) 2 (0,1) 3 (1,0) 4 (1,1) 5 (1,0) 6 (1,0)
    const E = denseMatrix(7, 2, Float32Array.from([1, 0, 0, 1, 0, 1, 1, 0, 1, 1, 1, 0, 1, 0]));
    const cfg: SknnConfig = {
      ...SKNN_DEFAULTS['sknn-emb'],
      k: 10,
      sampleSize: 10,
      embeddingSimilarity: { promptAggregation: 'last', trainingAggregation: 'last', trainingDecay: 'none' },
    };
    // prompt embedding = e1 = (0,1); sessions by their last item: A (0,1) cos 1, B (1,0) cos 0, C (1,1) cos .707
    const r = fitSknn({ ...data, embeddings: E }, 'sknn-emb', cfg).recommend(prompt, 5);
    expect(top(r)).toEqual([2, 3, 4]);
    expect(r.scores[0]).toBeCloseTo(1, 6);
    expect(r.scores[1]).toBeCloseTo(Math.SQRT1_2, 6);
    expect(() => fitSknn(data, 'sknn-emb', cfg)).toThrow(/needs item embeddings/);
  });

  it('rejects k > sampleSize', () => {
    expect(() => fitSknn(data, 'sknn', { ...base, k: 20, sampleSize: 10 })).toThrow(/sampleSize/);
  });
});

describe('MostPopular', () => {
  it('ranks by training interactions and skips the prompt items', () => {
    const m = fitMostPopular(data);
    // counts: 0:2, 1:2, 3:2, 2:1, 4:1, 5:1, 6:1
    expect(top(m.recommend(Int32Array.from([]), 4))).toEqual([0, 1, 3, 2]);
    expect(top(m.recommend(Int32Array.from([1]), 3))).toEqual([0, 3, 2]);
  });

  it('orders a large catalog with many tied counts as a (count desc, index asc) sort does; unseen items are never recommended', () => {
    const rand = mulberry32(3);
    const nItems = 3000;
    const sessions = Array.from({ length: 2000 }, () => Array.from({ length: 1 + Math.floor(rand() * 6) }, () => Math.floor(rand() * rand() * nItems)));
    const counts = new Array<number>(nItems).fill(0);
    for (const s of sessions) for (const it of s) counts[it]++;
    const expected = counts.map((_, i) => i).filter((i) => counts[i] > 0).sort((a, b) => counts[b] - counts[a] || a - b);
    const m = fitMostPopular({ train: sessionsOf(sessions, sessions.map((_, i) => i)), nItems });
    expect(top(m.recommend(Int32Array.from([]), nItems)).filter((i) => i >= 0)).toEqual(expected);
  });
});
