import type { SessionSet } from '../src/core/dataset/types.js';

/** Builds a SessionSet from item lists; session i gets id i and its last item time (i+1)*100 unless given. */
export function sessionsOf(lists: number[][], lastTimes?: number[]): SessionSet {
  const offsets = [0];
  const items: number[] = [];
  const times: number[] = [];
  lists.forEach((l, s) => {
    l.forEach((it, j) => {
      items.push(it);
      times.push((lastTimes ? lastTimes[s] : (s + 1) * 100) - (l.length - 1 - j));
    });
    offsets.push(items.length);
  });
  return {
    ids: Int32Array.from(lists.map((_, i) => i)),
    offsets: Int32Array.from(offsets),
    items: Int32Array.from(items),
    times: Float64Array.from(times),
  };
}

export function top(r: { items: Int32Array }): number[] {
  return Array.from(r.items).filter((i) => i >= 0);
}
