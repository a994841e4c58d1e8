import { mulberry32 } from '../vectors/random.js';
import type { EvalCases, InteractionOrder, SessionSet } from './types.js';
import { sessionCount } from './types.js';

/**
 * The paper's protocol (dh-r/LLM-Sequential-Recommendation `TemporalSplit(test_frac=0.2,
 * filter_non_trained_test_items=True)`, n_withheld = 1), reimplemented on typed arrays.
 */

export interface TemporalSplit {
  readonly train: SessionSet;
  /** Test sessions as split, before filtering. */
  readonly testSessions: SessionSet;
  /** Prompt/target cases after removing untrained items and dropping sessions with < 2 items. */
  readonly test: EvalCases;
  readonly stats: SplitStats;
}

export interface SplitStats {
  readonly trainSessions: number;
  readonly testSessions: number;
  readonly testCases: number;
  /** Test sessions dropped because fewer than 2 items were left after filtering. */
  readonly droppedTestSessions: number;
  /** Test interactions removed because their item never occurs in train. */
  readonly removedTestInteractions: number;
}

export interface Fold {
  readonly index: number;
  readonly train: SessionSet;
  readonly validation: EvalCases;
  readonly stats: SplitStats;
}

/** Session indices ordered by (last timestamp, session id) ascending. */
export function sessionsByLastTime(s: SessionSet): Int32Array {
  const n = sessionCount(s);
  const last = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let m = -Infinity;
    for (let p = s.offsets[i]; p < s.offsets[i + 1]; p++) if (s.times[p] > m) m = s.times[p];
    last[i] = m;
  }
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  // Sessions already in that order (a temporal split's train sessions usually are): no sort,
  // whose comparator calls were up to ~10 ms of a profiled cold start in the browser.
  let sorted = true;
  for (let i = 1; i < n && sorted; i++) sorted = last[i] > last[i - 1] || (last[i] === last[i - 1] && s.ids[i] > s.ids[i - 1]);
  if (!sorted) order.sort((a, b) => last[a] - last[b] || s.ids[a] - s.ids[b]);
  return order;
}

/** A new SessionSet holding the given sessions (in the given order). */
export function subsetSessions(s: SessionSet, which: ArrayLike<number>): SessionSet {
  let total = 0;
  for (let k = 0; k < which.length; k++) total += s.offsets[which[k] + 1] - s.offsets[which[k]];
  const ids = new Int32Array(which.length);
  const offsets = new Int32Array(which.length + 1);
  const items = new Int32Array(total);
  const times = new Float64Array(total);
  let p = 0;
  for (let k = 0; k < which.length; k++) {
    const i = which[k];
    ids[k] = s.ids[i];
    const a = s.offsets[i];
    const b = s.offsets[i + 1];
    items.set(s.items.subarray(a, b), p);
    times.set(s.times.subarray(a, b), p);
    p += b - a;
    offsets[k + 1] = p;
  }
  return { ids, offsets, items, times };
}

/** Marks every item that occurs in `s`. */
export function itemsPresent(s: SessionSet, nItems: number): Uint8Array {
  const seen = new Uint8Array(nItems);
  for (let p = 0; p < s.items.length; p++) seen[s.items[p]] = 1;
  return seen;
}

/**
 * Turns held-out sessions into next-item cases: items never seen in training are removed,
 * sessions left with fewer than 2 items are dropped, prompt = all but the last item,
 * target = the last item.
 */
export function makeEvalCases(
  heldOut: SessionSet,
  trained: Uint8Array,
): { cases: EvalCases; dropped: number; removed: number } {
  const n = sessionCount(heldOut);
  const ids: number[] = [];
  const offsets: number[] = [0];
  const promptItems: number[] = [];
  const targets: number[] = [];
  let dropped = 0;
  let removed = 0;
  const kept: number[] = [];
  for (let i = 0; i < n; i++) {
    kept.length = 0;
    for (let p = heldOut.offsets[i]; p < heldOut.offsets[i + 1]; p++) {
      const it = heldOut.items[p];
      if (trained[it]) kept.push(it);
      else removed++;
    }
    if (kept.length < 2) {
      dropped++;
      continue;
    }
    ids.push(heldOut.ids[i]);
    for (let q = 0; q < kept.length - 1; q++) promptItems.push(kept[q]);
    offsets.push(promptItems.length);
    targets.push(kept[kept.length - 1]);
  }
  return {
    cases: {
      sessionIds: Int32Array.from(ids),
      promptOffsets: Int32Array.from(offsets),
      promptItems: Int32Array.from(promptItems),
      targets: Int32Array.from(targets),
    },
    dropped,
    removed,
  };
}

function holdOut(train: SessionSet, heldOut: SessionSet, nItems: number) {
  const { cases, dropped, removed } = makeEvalCases(heldOut, itemsPresent(train, nItems));
  const stats: SplitStats = {
    trainSessions: sessionCount(train),
    testSessions: sessionCount(heldOut),
    testCases: cases.targets.length,
    droppedTestSessions: dropped,
    removedTestInteractions: removed,
  };
  return { cases, stats };
}

/**
 * Session indices in a seeded random order (Fisher-Yates over the sessions sorted by id, so
 * the order depends only on the seed and the session ids, not on the file's row order).
 */
export function sessionsInRandomOrder(s: SessionSet, seed: number): Int32Array {
  const order = Int32Array.from({ length: sessionCount(s) }, (_, i) => i);
  order.sort((a, b) => s.ids[a] - s.ids[b]);
  const rand = mulberry32(seed);
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    const t = order[i];
    order[i] = order[j];
    order[j] = t;
  }
  return order;
}

/** The seed of the random split of datasets without timestamps (test split and folds). */
export const RANDOM_SPLIT_SEED = 42;

/**
 * How sessions are ordered for splitting: by last timestamp (the paper's temporal split), or,
 * for a dataset without timestamps, where the newest sessions cannot be known, in a seeded
 * random order, so the "newest" 20% is a seeded random 20%.
 */
export interface SplitRule {
  readonly kind: InteractionOrder;
  readonly seed: number;
}

export const TEMPORAL_RULE: SplitRule = { kind: 'timestamp', seed: RANDOM_SPLIT_SEED };

export function splitRuleFor(order: InteractionOrder | undefined, seed = RANDOM_SPLIT_SEED): SplitRule {
  return { kind: order ?? 'timestamp', seed };
}

/** One sentence describing the rule, for the CLI, eval.json and the README. */
export function describeSplitRule(rule: SplitRule, testFrac: number): string {
  const pct = Math.round(testFrac * 100);
  return rule.kind === 'timestamp'
    ? `temporal split: the newest ${pct}% of sessions by last timestamp are test`
    : `random split (no timestamps, so the newest sessions cannot be known): a seeded random ${pct}% of sessions (seed ${rule.seed}) is test; sessions keep their item order`;
}

function orderFor(s: SessionSet, rule: SplitRule, salt: number): Int32Array {
  return rule.kind === 'timestamp' ? sessionsByLastTime(s) : sessionsInRandomOrder(s, rule.seed + salt);
}

/**
 * The newest ceil(testFrac * n) sessions (by last timestamp, ties by id) are test; with a
 * 'position' rule, the last ceil(testFrac * n) of a seeded random order.
 */
export function temporalSplit(sessions: SessionSet, nItems: number, testFrac = 0.2, rule: SplitRule = TEMPORAL_RULE): TemporalSplit {
  if (!(testFrac > 0 && testFrac < 1)) throw new RangeError(`testFrac must be in (0, 1), got ${testFrac}`);
  const order = orderFor(sessions, rule, 0);
  const n = order.length;
  const nTest = Math.ceil(testFrac * n);
  const train = subsetSessions(sessions, order.subarray(0, n - nTest));
  const testSessions = subsetSessions(sessions, order.subarray(n - nTest));
  const { cases, stats } = holdOut(train, testSessions, nItems);
  return { train, testSessions, test: cases, stats };
}

/** Sizes of numpy's `array_split(n, parts)`: the first n % parts parts get one extra. */
export function arraySplitSizes(n: number, parts: number): number[] {
  const base = Math.floor(n / parts);
  const extra = n % parts;
  return Array.from({ length: parts }, (_, i) => base + (i < extra ? 1 : 0));
}

/**
 * Forward-chaining temporal folds inside train: train sessions, ordered by last timestamp,
 * are cut into nFolds + 1 bins; fold f trains on bins 1..f and validates on bin f+1 (with the
 * same filtering as the test split). With a 'position' rule the order is a seeded random
 * one (another seed than the test split's), so every bin is a random share of the sessions.
 */
export function chainFolds(train: SessionSet, nItems: number, nFolds = 3, rule: SplitRule = TEMPORAL_RULE): Fold[] {
  const order = orderFor(train, rule, 1);
  const sizes = arraySplitSizes(order.length, nFolds + 1);
  if (sizes.some((s) => s === 0)) throw new RangeError(`${nFolds} folds need at least ${nFolds + 1} train sessions`);
  const bounds = [0];
  for (const s of sizes) bounds.push(bounds[bounds.length - 1] + s);
  const folds: Fold[] = [];
  for (let f = 1; f <= nFolds; f++) {
    const foldTrain = subsetSessions(train, order.subarray(0, bounds[f]));
    const heldOut = subsetSessions(train, order.subarray(bounds[f], bounds[f + 1]));
    const { cases, stats } = holdOut(foldTrain, heldOut, nItems);
    folds.push({ index: f, train: foldTrain, validation: cases, stats });
  }
  return folds;
}
