import { describe, expect, it } from 'vitest';
import { evaluateLists, meanMetrics, popularityStats, topPopularMask } from '../src/core/metrics/metrics.js';

// 6 items; whole-dataset interaction counts: item0 x5, item1 x3, item2 x2, item3 x1, item4 x1, item5 x0.
const allItems = Int32Array.from([0, 0, 0, 0, 0, 1, 1, 1, 2, 2, 3, 4]);
const pop = popularityStats(allItems, 6);

function lists(k: number, rows: number[][]) {
  const items = new Int32Array(rows.length * k).fill(-1);
  rows.forEach((r, i) => r.forEach((it, j) => (items[i * k + j] = it)));
  return { k, items };
}

describe('metrics (hand-computed, one withheld target per session)', () => {
  it('counts distinct items and interactions over the whole dataset', () => {
    expect(pop.distinctItems).toBe(5);
    expect(pop.totalInteractions).toBe(12);
    expect(Array.from(topPopularMask(pop, 2))).toEqual([1, 1, 0, 0, 0, 0]);
  });

  it('scores ranks 1, 3, a miss and an empty list', () => {
    // session A: target 2 at rank 1; B: target 3 at rank 3; C: target 4 missed; D: empty list, target 0.
    const l = lists(3, [[2, 0, 1], [0, 1, 3], [0, 1, 2], []]);
    const targets = Int32Array.from([2, 3, 4, 0]);
    const m = evaluateLists(l, targets, 3, pop);
    expect(m['HitRate@3']).toBeCloseTo(2 / 4, 12);
    expect(m['NDCG@3']).toBeCloseTo((1 + 1 / Math.log2(4)) / 4, 12); // (1 + 0.5) / 4
    expect(m['MRR@3']).toBeCloseTo((1 + 1 / 3) / 4, 12);
    // recommended distinct items: 0, 1, 2, 3 -> 4 of the 5 dataset items
    expect(m['CatalogCoverage@3']).toBeCloseTo(4 / 5, 12);
    // top-3 popular = {0, 1, 2}: A's hit (item 2) is expected, B's hit (item 3) is serendipitous.
    expect(m['Serendipity@3']).toBeCloseTo(1 / 4, 12);
    const si = (c: number) => -Math.log2(c / 12);
    const novA = (si(2) + si(5) + si(3)) / 3;
    const novB = (si(5) + si(3) + si(1)) / 3;
    const novC = (si(5) + si(3) + si(2)) / 3;
    expect(m['Novelty@3']).toBeCloseTo((novA + novB + novC + 0) / 4, 12);
  });

  it('cuts lists to k: a hit at rank 3 does not count at k = 2', () => {
    const l = lists(3, [[0, 1, 3]]);
    const m = evaluateLists(l, Int32Array.from([3]), 2, pop);
    expect(m['HitRate@2']).toBe(0);
    expect(m['NDCG@2']).toBe(0);
    expect(m['CatalogCoverage@2']).toBeCloseTo(2 / 5, 12);
    // serendipity uses the top-2 popular items at k = 2
    const m3 = evaluateLists(lists(3, [[2]]), Int32Array.from([2]), 2, pop);
    expect(m3['Serendipity@2']).toBe(1);
  });

  it('NDCG at rank r is 1/log2(r+1) (single relevant item, ideal DCG 1)', () => {
    const l = lists(20, [Array.from({ length: 20 }, (_, j) => (j === 9 ? 4 : j < 4 ? j : 5))]);
    // duplicates of item 5 are fine for this metric check; rank of target 4 is 10
    const m = evaluateLists(l, Int32Array.from([4]), 20, pop);
    expect(m['NDCG@20']).toBeCloseTo(1 / Math.log2(11), 12);
    expect(m['MRR@20']).toBeCloseTo(1 / 10, 12);
  });

  it('averages metric objects over folds', () => {
    expect(meanMetrics([{ a: 1, b: 2 }, { a: 3, b: 4 }])).toEqual({ a: 2, b: 3 });
  });
});
