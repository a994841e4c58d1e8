import { describe, expect, it } from 'vitest';
import {
  bootstrapCI,
  bootstrapCoverage,
  bootstrapMeans,
  holmAdjust,
  pairedIntervals,
  pairedRandomisationTest,
  quantileSorted,
  sessionMatrix,
} from '../src/core/metrics/bootstrap.js';
import { mulberry32 } from '../src/core/vectors/random.js';
import { compareWithBaseline, modelUncertainty } from '../src/evaluation/uncertainty.js';

describe('bootstrap confidence intervals (references computed with python3 + numpy 2.4)', () => {
  // Reference: a Python port of mulberry32 (seed 7) drew the same 1,000 x 8 indices
  // (floor(u * n)), numpy took each resample's mean and np.percentile(means, [2.5, 97.5])
  // (numpy's default "linear" quantile). Script: the session's /tmp/stats/ref.py, part 1.
  const x = Float64Array.from([0.0, 1.0, 0.5, 0.0, 0.25, 1.0, 0.0, 1 / 3]);
  const y = Float64Array.from([0.2, 0.9, 0.1, 0.0, 0.5, 0.7, 0.3, 0.4]);

  it('reproduces numpy on the same seeded resamples, every metric from the same indices', () => {
    const { ci, means } = bootstrapCI(sessionMatrix({ x, y }), { resamples: 1000, seed: 7 });
    expect(ci.x[0]).toBeCloseTo(0.14583333333333331, 12);
    expect(ci.x[1]).toBeCloseTo(0.6666666666666666, 12);
    expect(ci.y[0]).toBeCloseTo(0.2125, 12);
    expect(ci.y[1]).toBeCloseTo(0.5874999999999999, 12);
    // The paired interval of x - y over the same resamples (numpy: percentiles of means_x - means_y).
    const onlyX = bootstrapMeans(sessionMatrix({ d: x }), { resamples: 1000, seed: 7 });
    const onlyY = bootstrapMeans(sessionMatrix({ d: y }), { resamples: 1000, seed: 7 });
    const paired = pairedIntervals(['d'], onlyX, onlyY);
    expect(paired.d[0]).toBeCloseTo(-0.15005208333333336, 12);
    expect(paired.d[1]).toBeCloseTo(0.1626041666666666, 12);
    expect(means.length).toBe(2000);
  });

  it('approaches the exact bootstrap distribution of a small sample', () => {
    // Reference: all 6^6 = 46,656 equally likely resamples of z enumerated with itertools,
    // their means sorted: 2.5% and 97.5% quantiles 1/18 = 0.0556 and 23/36 = 0.6389.
    const z = Float64Array.from([0, 0, 1, 0.5, 0, 1 / 3]);
    const { ci } = bootstrapCI(sessionMatrix({ z }), { resamples: 20000, seed: 3 });
    expect(Math.abs(ci.z[0] - 1 / 18)).toBeLessThan(0.03);
    expect(Math.abs(ci.z[1] - 23 / 36)).toBeLessThan(0.03);
  });

  it('interpolates quantiles as numpy does', () => {
    // np.percentile([1, 2, 4, 8], [25, 50, 90]) = [1.75, 3.0, 6.8]
    const s = Float64Array.from([1, 2, 4, 8]);
    expect(quantileSorted(s, 0.25)).toBeCloseTo(1.75, 12);
    expect(quantileSorted(s, 0.5)).toBeCloseTo(3, 12);
    expect(quantileSorted(s, 0.9)).toBeCloseTo(6.8, 12);
  });
});

describe('paired randomisation test', () => {
  it('matches the exact sign-flip p-value of a small sample', () => {
    // Reference: all 2^10 sign assignments of d enumerated in python: 64 of 1,024 reach |sum| >= |observed|, p = 0.0625.
    const d = Float64Array.from([0.5, 0.2, 0.0, 1.0, -0.1, 0.3, 0.0, 0.4, 0.25, -0.2]);
    const p = pairedRandomisationTest(sessionMatrix({ m: d }), sessionMatrix({ m: new Float64Array(10) }), { rounds: 20000, seed: 5 });
    expect(Math.abs(p.m - 0.0625)).toBeLessThan(0.01);
  });

  it('finds a large difference significant and identical models not significant', () => {
    const rand = mulberry32(11);
    const n = 2000;
    // NDCG-like values: model a hits twice as often as model b on the same sessions.
    const a = Float64Array.from({ length: n }, () => (rand() < 0.08 ? 1 / Math.log2(2 + Math.floor(rand() * 19)) : 0));
    const b = Float64Array.from(a, (v) => (v > 0 && rand() < 0.5 ? 0 : v));
    const p = pairedRandomisationTest(sessionMatrix({ ndcg: a }), sessionMatrix({ ndcg: b }));
    expect(p.ndcg).toBeLessThan(0.01);
    expect(p.ndcg).toBeCloseTo(1 / 1001, 12); // no sign flip reaches the observed difference
    const same = pairedRandomisationTest(sessionMatrix({ ndcg: a }), sessionMatrix({ ndcg: Float64Array.from(a) }));
    expect(same.ndcg).toBe(1);
  });

  it('rejects a true null hypothesis at about the nominal 5% rate', () => {
    // 200 pairs of models that each hit ~5% of 400 sessions independently (no real difference):
    // a calibrated test gives p < .05 for about 10 of them (binomial 99% range 3-18).
    const rand = mulberry32(12);
    const draw = () => Float64Array.from({ length: 400 }, () => (rand() < 0.05 ? 1 / Math.log2(2 + Math.floor(rand() * 19)) : 0));
    let rejected = 0;
    for (let t = 0; t < 200; t++) {
      const p = pairedRandomisationTest(sessionMatrix({ ndcg: draw() }), sessionMatrix({ ndcg: draw() }), { rounds: 300, seed: t });
      if (p.ndcg < 0.05) rejected++;
    }
    expect(rejected).toBeGreaterThanOrEqual(3);
    expect(rejected).toBeLessThanOrEqual(18);
  });
});

describe('Holm correction', () => {
  it('adjusts a family of p-values step-down and keeps them monotone', () => {
    // By hand: sorted 0.005*4 = 0.02, 0.01*3 = 0.03, 0.03*2 = 0.06, 0.04*1 = 0.04 -> max(0.06, 0.04) = 0.06.
    const adj = holmAdjust([0.01, 0.04, 0.03, 0.005]);
    expect(adj[0]).toBeCloseTo(0.03, 12);
    expect(adj[1]).toBeCloseTo(0.06, 12);
    expect(adj[2]).toBeCloseTo(0.06, 12);
    expect(adj[3]).toBeCloseTo(0.02, 12);
    expect(holmAdjust([0.5, 0.9])).toEqual([1, 1]);
  });
});

describe('bootstrap of catalog coverage (a set metric)', () => {
  it('recomputes the covered share per resample, and it falls below the observed share', () => {
    // 4 lists of 2 slots over 6 items, each list with its own items: coverage of all lists = 8/8.
    const items = Int32Array.from([0, 1, 2, 3, 4, 5, 6, 7]);
    const cov = bootstrapCoverage(items, 2, 2, 8, 8, { resamples: 2000, seed: 1 });
    expect(Math.max(...cov)).toBeLessThanOrEqual(1);
    // A resample of 4 sessions holds on average 4 * (1 - (3/4)^4) = 2.734 distinct sessions: mean coverage 0.684.
    const mean = cov.reduce((s, v) => s + v, 0) / cov.length;
    expect(Math.abs(mean - (1 - 0.75 ** 4))).toBeLessThan(0.02);
  });
});

describe('models against a baseline (the report\'s comparisons)', () => {
  it('tests every model but the baseline, Holm-adjusts per metric, and flags only the real difference', () => {
    const rand = mulberry32(21);
    const n = 3000;
    const base = Float64Array.from({ length: n }, () => (rand() < 0.05 ? 1 : 0));
    const better = Float64Array.from(base, (v) => (v === 0 && rand() < 0.05 ? 1 : v)); // ~+0.05 hit rate
    const same = Float64Array.from(base);
    const model = (name: string, hit: Float64Array) => {
      const scores = sessionMatrix({ 'HitRate@20': hit });
      return modelUncertainty(name, scores, { 'HitRate@20': hit.reduce((a, v) => a + v, 0) / n, 'CatalogCoverage@20': 0.5 });
    };
    const models = [model('base', base), model('better', better), model('same', same)];
    expect(Object.keys(models[0].ci)).toEqual(['HitRate@20']); // coverage has no interval
    const cmp = compareWithBaseline(models, 'base');
    expect(Object.keys(cmp).sort()).toEqual(['better', 'same']);
    expect(cmp.better['HitRate@20'].significant).toBe(true);
    expect(cmp.better['HitRate@20'].ci[0]).toBeGreaterThan(0);
    expect(cmp.better['HitRate@20'].pHolm).toBeCloseTo(2 * cmp.better['HitRate@20'].p, 12); // smallest of 2 p-values, times 2
    expect(cmp.same['HitRate@20']).toMatchObject({ diff: 0, p: 1, pHolm: 1, significant: false });
    expect(() => compareWithBaseline(models, 'missing')).toThrow(/baseline "missing"/);
  });
});
