import type { ItemSessions, SessionSet } from './types.js';

/**
 * The session-item matrix in both directions, as the session-based models (SKNN, MostPopular)
 * use it: each session's distinct items, and each item's sessions. Built here once per training
 * set; for the app it is built offline and read from sessions.bin (`SessionSet.byItem`).
 */

/** Each session's distinct items (CSR, first-occurrence order). */
export interface DistinctItems {
  readonly offsets: Int32Array;
  readonly items: Int32Array;
  /** Whether some session repeats an item (then `items` is a deduplicated copy, else the session's own array). */
  readonly repeats: boolean;
}

export function distinctSessionItems(train: SessionSet, nItems: number): DistinctItems {
  const nSessions = train.offsets.length - 1;
  const mark = new Int32Array(nItems).fill(-1);
  const offsets = new Int32Array(nSessions + 1);
  const items = new Int32Array(train.items.length);
  let n = 0;
  for (let s = 0; s < nSessions; s++) {
    for (let p = train.offsets[s]; p < train.offsets[s + 1]; p++) {
      const it = train.items[p];
      if (mark[it] !== s) {
        mark[it] = s;
        items[n++] = it;
      }
    }
    offsets[s + 1] = n;
  }
  if (n === train.items.length) return { offsets: train.offsets, items: train.items, repeats: false };
  return { offsets, items: items.slice(0, n), repeats: true };
}

/** Item -> the sessions holding it (ascending), from each session's distinct items. */
export function itemSessionsOf(d: Pick<DistinctItems, 'offsets' | 'items'>, nItems: number): ItemSessions {
  const nSessions = d.offsets.length - 1;
  const offsets = new Int32Array(nItems + 1);
  for (let p = 0; p < d.items.length; p++) offsets[d.items[p] + 1]++;
  for (let i = 0; i < nItems; i++) offsets[i + 1] += offsets[i];
  const sessions = nSessions <= 65_536 ? new Uint16Array(d.items.length) : new Int32Array(d.items.length);
  const fill = offsets.slice(0, nItems);
  for (let s = 0; s < nSessions; s++) for (let p = d.offsets[s]; p < d.offsets[s + 1]; p++) sessions[fill[d.items[p]]++] = s;
  return { offsets, sessions };
}

/**
 * A training set's precomputed item -> sessions index widened to `nItems` (items added to the
 * catalog after it was written hold no sessions); null when it covers more items than that.
 */
export function byItemFor(train: SessionSet, nItems: number): ItemSessions | null {
  const b = train.byItem;
  if (!b || b.offsets.length - 1 > nItems) return null;
  if (b.offsets.length === nItems + 1) return b;
  const offsets = new Int32Array(nItems + 1);
  offsets.set(b.offsets);
  offsets.fill(b.offsets[b.offsets.length - 1], b.offsets.length);
  return { offsets, sessions: b.sessions };
}

/** Interactions per item: the precomputed index's row lengths when there is one (its sessions repeat no item), else counted. */
export function itemCounts(train: SessionSet, nItems: number): Float64Array {
  const counts = new Float64Array(nItems);
  const byItem = byItemFor(train, nItems);
  if (byItem) for (let i = 0; i < nItems; i++) counts[i] = byItem.offsets[i + 1] - byItem.offsets[i];
  else for (let p = 0; p < train.items.length; p++) if (train.items[p] < nItems) counts[train.items[p]]++;
  return counts;
}
