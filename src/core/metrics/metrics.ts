/**
 * The paper's evaluation metrics (dh-r/LLM-Sequential-Recommendation `main/eval/metrics`),
 * for one withheld target per session. Recommendation lists are a flat Int32Array of
 * n x k slots, best first, padded with -1 where a list is shorter than k.
 */

export interface RecLists {
  /** Slots per list. */
  readonly k: number;
  /** n * k dense item indices, -1 = empty slot. */
  readonly items: Int32Array;
}

/** Whole-dataset popularity the beyond-accuracy metrics need. */
export interface PopularityStats {
  /** Interactions per dense item index over the whole dataset. */
  readonly counts: Float64Array;
  readonly totalInteractions: number;
  /** Distinct items that occur in the dataset. */
  readonly distinctItems: number;
}

export const METRIC_NAMES = ['NDCG', 'HitRate', 'MRR', 'CatalogCoverage', 'Serendipity', 'Novelty'] as const;
export type MetricName = (typeof METRIC_NAMES)[number];
export type MetricKey = `${MetricName}@${number}`;
export type MetricValues = Record<string, number>;

export function popularityStats(items: Int32Array, nItems: number): PopularityStats {
  const counts = new Float64Array(nItems);
  for (let p = 0; p < items.length; p++) counts[items[p]]++;
  let distinct = 0;
  for (let i = 0; i < nItems; i++) if (counts[i] > 0) distinct++;
  return { counts, totalInteractions: items.length, distinctItems: distinct };
}

/** Mask of the k most popular items (count descending, ties by lower index), as the paper's "expected" items. */
export function topPopularMask(pop: PopularityStats, k: number): Uint8Array {
  const n = pop.counts.length;
  const order = Int32Array.from({ length: n }, (_, i) => i);
  order.sort((a, b) => pop.counts[b] - pop.counts[a] || a - b);
  const mask = new Uint8Array(n);
  for (let r = 0; r < Math.min(k, n); r++) mask[order[r]] = 1;
  return mask;
}

/** The metrics that are a mean over sessions (all but CatalogCoverage, a set metric over all lists). */
export const SESSION_METRIC_NAMES = ['NDCG', 'HitRate', 'MRR', 'Serendipity', 'Novelty'] as const;
export type SessionMetricName = (typeof SESSION_METRIC_NAMES)[number];

/** One value per session for each per-session metric, and the coverage count of the lists. */
export interface SessionValues {
  readonly values: Record<SessionMetricName, Float64Array>;
  /** Distinct items recommended over all lists (cut to k). */
  readonly covered: number;
}

/**
 * Per-session metric values at cut-off `k` (lists longer than k are cut).
 * Per session: NDCG = 1/log2(rank+1), HitRate = [rank <= k], MRR = 1/rank,
 * Serendipity = [hit and target not among the k most popular], Novelty = mean over the
 * recommended items of -log2(count/total). An empty list scores 0 on all of them.
 */
export function sessionValues(lists: RecLists, targets: Int32Array, k: number, pop: PopularityStats): SessionValues {
  const n = targets.length;
  if (lists.items.length !== n * lists.k) {
    throw new RangeError(`expected ${n} lists of ${lists.k} slots, got ${lists.items.length} slots`);
  }
  const cut = Math.min(k, lists.k);
  const popular = topPopularMask(pop, k);
  const seen = new Uint8Array(pop.counts.length);
  const selfInfo = new Float64Array(pop.counts.length);
  for (let i = 0; i < selfInfo.length; i++) {
    selfInfo[i] = pop.counts[i] > 0 ? -Math.log2(pop.counts[i] / pop.totalInteractions) : 0;
  }
  const ndcg = new Float64Array(n);
  const hit = new Float64Array(n);
  const mrr = new Float64Array(n);
  const seren = new Float64Array(n);
  const novelty = new Float64Array(n);
  let covered = 0;
  for (let s = 0; s < n; s++) {
    const base = s * lists.k;
    const target = targets[s];
    let len = 0;
    let nov = 0;
    let rank = 0;
    for (let j = 0; j < cut; j++) {
      const it = lists.items[base + j];
      if (it < 0) break;
      len++;
      nov += selfInfo[it];
      if (!seen[it]) {
        seen[it] = 1;
        covered++;
      }
      if (rank === 0 && it === target) rank = j + 1;
    }
    if (len > 0) novelty[s] = nov / len;
    if (rank > 0) {
      hit[s] = 1;
      ndcg[s] = 1 / Math.log2(rank + 1);
      mrr[s] = 1 / rank;
      if (!popular[target]) seren[s] = 1;
    }
  }
  return { values: { NDCG: ndcg, HitRate: hit, MRR: mrr, Serendipity: seren, Novelty: novelty }, covered };
}

function mean(x: Float64Array): number {
  let sum = 0;
  for (let i = 0; i < x.length; i++) sum += x[i];
  return x.length === 0 ? 0 : sum / x.length;
}

/**
 * Scores recommendation lists against targets at cut-off `k`: the means of `sessionValues`,
 * and CatalogCoverage = distinct recommended items / distinct items in the dataset.
 */
export function evaluateLists(lists: RecLists, targets: Int32Array, k: number, pop: PopularityStats): MetricValues {
  const { values: v, covered } = sessionValues(lists, targets, k, pop);
  return {
    [`NDCG@${k}`]: mean(v.NDCG),
    [`HitRate@${k}`]: mean(v.HitRate),
    [`MRR@${k}`]: mean(v.MRR),
    [`CatalogCoverage@${k}`]: pop.distinctItems === 0 ? 0 : covered / pop.distinctItems,
    [`Serendipity@${k}`]: mean(v.Serendipity),
    [`Novelty@${k}`]: mean(v.Novelty),
  };
}

/** Metrics at several cut-offs (the paper reports @10 and @20), in one object. */
export function evaluateAt(lists: RecLists, targets: Int32Array, ks: readonly number[], pop: PopularityStats): MetricValues {
  const out: MetricValues = {};
  for (const k of ks) Object.assign(out, evaluateLists(lists, targets, k, pop));
  return out;
}

/** Mean of several metric objects with the same keys (e.g. over validation folds). */
export function meanMetrics(all: readonly MetricValues[]): MetricValues {
  const out: MetricValues = {};
  if (all.length === 0) return out;
  for (const key of Object.keys(all[0])) out[key] = all.reduce((a, m) => a + m[key], 0) / all.length;
  return out;
}
