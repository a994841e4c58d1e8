import { describe, expect, it } from 'vitest';
import { restoreSession } from '../src/core/session/restore.js';

describe('a stored session read back', () => {
  const index = new Map<string | number, number>([
    [100, 0],
    [101, 1],
    [102, 2],
    ['B00X', 3],
  ]);
  const indexOf = (id: string | number) => index.get(id);

  it('keeps the catalog items in order, each once, and counts what it dropped', () => {
    const r = restoreSession([101, 'B00X', 999, 101, null, 1.5, '100', 100], indexOf, 200);
    expect(r.items).toEqual([1, 3, 0]);
    expect({ invalid: r.invalid, unknown: r.unknown, repeated: r.repeated, cut: r.cut }).toEqual({ invalid: 2, unknown: 2, repeated: 1, cut: 0 });
  });

  it('keeps only the most recent items beyond the limit', () => {
    const r = restoreSession([100, 101, 102, 'B00X'], indexOf, 2);
    expect(r.items).toEqual([2, 3]);
    expect(r.cut).toBe(2);
  });
});
