import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../src/core/vectors/random.js';
import { topKInto } from '../src/core/vectors/topk.js';

function reference(scores: number[], k: number): number[] {
  return scores
    .map((s, i) => [s, i] as const)
    .filter(([s]) => s > -Infinity)
    .sort((a, b) => b[0] - a[0] || a[1] - b[1])
    .slice(0, k)
    .map(([, i]) => i);
}

describe('top-k selection', () => {
  it('matches a full sort (ties to the lower index, -Infinity and NaN never chosen) for small and large k', () => {
    const r = mulberry32(3);
    for (const n of [5, 50, 600, 12101]) {
      const scores = Array.from({ length: n }, () => (r() < 0.1 ? -Infinity : r() < 0.05 ? Number.NaN : Math.round(r() * 50) / 10));
      for (const k of [1, 10, 20, 70, 200]) {
        const items = new Int32Array(k);
        const out = new Float64Array(k);
        const got = topKInto(Float64Array.from(scores), k, items, out);
        const ref = reference(scores, k);
        expect(got).toBe(ref.length);
        expect(Array.from(items).slice(0, got)).toEqual(ref);
        expect(Array.from(items).slice(got).every((i) => i === -1)).toBe(true);
      }
    }
  });
});
