import { mulberry32 } from '../vectors/random.js';

/**
 * Uncertainty of per-session metrics: percentile bootstrap confidence intervals over test
 * sessions, a paired bootstrap of the difference between two models, a paired randomisation
 * (sign-flip) test and Holm's correction. Hand-written: the JS statistics libraries
 * (simple-statistics, jStat) have no seeded, typed-array bootstrap, and the loops below are
 * a few lines each; the numbers are checked against numpy in tests/bootstrap.test.ts.
 */

/** Per-session values of several metrics, session-major: `data[s * keys.length + j]`. */
export interface SessionMatrix {
  readonly keys: readonly string[];
  readonly n: number;
  readonly data: Float64Array;
}

export interface BootstrapOptions {
  /** Resamples (default 1,000). */
  readonly resamples?: number;
  /** RNG seed; the same seed and n give every model the same resamples (a paired bootstrap). */
  readonly seed?: number;
  /** Two-sided confidence level (default 0.95). */
  readonly level?: number;
}

export const BOOTSTRAP_DEFAULTS = { resamples: 1000, seed: 20231, level: 0.95 } as const;

export type Interval = [number, number];

/** Builds a session-major matrix from one typed array per metric (all of length n). */
export function sessionMatrix(columns: Readonly<Record<string, Float64Array>>): SessionMatrix {
  const keys = Object.keys(columns);
  const n = keys.length === 0 ? 0 : columns[keys[0]].length;
  const m = keys.length;
  const data = new Float64Array(n * m);
  keys.forEach((key, j) => {
    const col = columns[key];
    if (col.length !== n) throw new RangeError(`metric ${key} has ${col.length} sessions, ${keys[0]} has ${n}`);
    for (let s = 0; s < n; s++) data[s * m + j] = col[s];
  });
  return { keys, n, data };
}

/** Column means of a session matrix. */
export function columnMeans(x: SessionMatrix): Float64Array {
  const m = x.keys.length;
  const out = new Float64Array(m);
  for (let s = 0; s < x.n; s++) for (let j = 0; j < m; j++) out[j] += x.data[s * m + j];
  for (let j = 0; j < m; j++) out[j] = x.n === 0 ? 0 : out[j] / x.n;
  return out;
}

/** Column j's non-zero entries (most sessions score 0 on hit-based metrics, so this is ~10x less work). */
interface SparseColumn {
  readonly index: Int32Array;
  readonly value: Float64Array;
}

function sparseColumns(x: SessionMatrix): SparseColumn[] {
  const m = x.keys.length;
  return x.keys.map((_, j) => {
    let nnz = 0;
    for (let s = 0; s < x.n; s++) if (x.data[s * m + j] !== 0) nnz++;
    const index = new Int32Array(nnz);
    const value = new Float64Array(nnz);
    for (let s = 0, t = 0; s < x.n; s++) {
      const v = x.data[s * m + j];
      if (v !== 0) {
        index[t] = s;
        value[t++] = v;
      }
    }
    return { index, value };
  });
}

/**
 * Draws `resamples` bootstrap samples of the n sessions (with replacement, index = floor(u * n)
 * with u from mulberry32(seed)) and returns each sample's mean of every metric:
 * `out[b * keys.length + j]`. Each sample's indices are drawn once and shared by all metrics
 * (as multiplicities per session, so a metric costs one pass over its non-zero sessions).
 */
export function bootstrapMeans(x: SessionMatrix, options: BootstrapOptions = {}): Float64Array {
  const resamples = options.resamples ?? BOOTSTRAP_DEFAULTS.resamples;
  const rand = mulberry32(options.seed ?? BOOTSTRAP_DEFAULTS.seed);
  const { n } = x;
  const m = x.keys.length;
  const cols = sparseColumns(x);
  const out = new Float64Array(resamples * m);
  const times = new Int32Array(n);
  for (let b = 0; b < resamples; b++) {
    times.fill(0);
    for (let i = 0; i < n; i++) times[Math.floor(rand() * n)]++;
    for (let j = 0; j < m; j++) {
      const { index, value } = cols[j];
      let acc = 0;
      for (let t = 0; t < index.length; t++) acc += times[index[t]] * value[t];
      out[b * m + j] = n === 0 ? 0 : acc / n;
    }
  }
  return out;
}

/** The q-quantile of ascending `sorted` with linear interpolation (numpy's default "linear" method). */
export function quantileSorted(sorted: Float64Array, q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const h = (sorted.length - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
}

/** Percentile interval of column j of a resamples x m matrix of statistics. */
function percentileInterval(stats: Float64Array, m: number, j: number, level: number): Interval {
  const r = stats.length / m;
  const col = new Float64Array(r);
  for (let b = 0; b < r; b++) col[b] = stats[b * m + j];
  col.sort();
  const a = (1 - level) / 2;
  return [quantileSorted(col, a), quantileSorted(col, 1 - a)];
}

/** Percentile bootstrap confidence interval of every metric's mean, keyed like the matrix. */
export function bootstrapCI(x: SessionMatrix, options: BootstrapOptions = {}): { ci: Record<string, Interval>; means: Float64Array } {
  const means = bootstrapMeans(x, options);
  return { ci: intervals(x.keys, means, options.level), means };
}

/** Percentile intervals from bootstrap means (as `bootstrapMeans` returns them). */
export function intervals(keys: readonly string[], means: Float64Array, level: number = BOOTSTRAP_DEFAULTS.level): Record<string, Interval> {
  const ci: Record<string, Interval> = {};
  keys.forEach((key, j) => (ci[key] = percentileInterval(means, keys.length, j, level)));
  return ci;
}

/**
 * Paired bootstrap interval of mean(a) - mean(b) from the two models' bootstrap means, which
 * must come from the same sessions, seed and resample count (then sample b holds the same
 * sessions for both models and the difference of the means is the mean of the differences).
 */
export function pairedIntervals(keys: readonly string[], meansA: Float64Array, meansB: Float64Array, level: number = BOOTSTRAP_DEFAULTS.level): Record<string, Interval> {
  if (meansA.length !== meansB.length) throw new RangeError('paired bootstrap needs the same resamples for both models');
  const diff = new Float64Array(meansA.length);
  for (let i = 0; i < diff.length; i++) diff[i] = meansA[i] - meansB[i];
  return intervals(keys, diff, level);
}

export interface RandomisationOptions {
  /** Random sign flips (default 1,000; the smallest p-value is 1 / (rounds + 1)). */
  readonly rounds?: number;
  readonly seed?: number;
}

/**
 * Two-sided paired randomisation test of H0 "a and b are exchangeable in every session"
 * (Fisher's sign-flip test on per-session differences, as Smucker et al. CIKM'07 recommend
 * for IR metrics): p = (1 + #{rounds with |sum of flipped differences| >= |observed sum|}) / (rounds + 1).
 * Returns one p-value per metric key. Identical models give p = 1.
 */
export function pairedRandomisationTest(a: SessionMatrix, b: SessionMatrix, options: RandomisationOptions = {}): Record<string, number> {
  if (a.n !== b.n || a.keys.join() !== b.keys.join()) throw new RangeError('a paired test needs the same sessions and metrics for both models');
  const rounds = options.rounds ?? 1000;
  const rand = mulberry32(options.seed ?? BOOTSTRAP_DEFAULTS.seed);
  const m = a.keys.length;
  const n = a.n;
  const d = new Float64Array(n * m);
  for (let i = 0; i < d.length; i++) d[i] = a.data[i] - b.data[i];
  const cols = sparseColumns({ keys: a.keys, n, data: d });
  const observed = cols.map((c) => c.value.reduce((acc, v) => acc + v, 0));
  // Sums of the same terms in another order differ by rounding only: compare with a tolerance.
  const threshold = cols.map((c, j) => Math.abs(observed[j]) - 1e-9 * c.value.reduce((acc, v) => acc + Math.abs(v), 0));
  const extreme = new Float64Array(m);
  const signs = new Int32Array(Math.ceil(n / 32)); // bit s = 1: keep session s's difference, 0: flip it
  for (let r = 0; r < rounds; r++) {
    for (let w = 0; w < signs.length; w++) signs[w] = Math.floor(rand() * 4294967296) | 0;
    for (let j = 0; j < m; j++) {
      const { index, value } = cols[j];
      let acc = 0;
      for (let t = 0; t < index.length; t++) {
        const s = index[t];
        acc += (signs[s >>> 5] >>> (s & 31)) & 1 ? value[t] : -value[t];
      }
      if (Math.abs(acc) >= threshold[j]) extreme[j]++;
    }
  }
  const p: Record<string, number> = {};
  a.keys.forEach((key, j) => (p[key] = (extreme[j] + 1) / (rounds + 1)));
  return p;
}

/**
 * Holm's step-down adjustment of a family of p-values (controls the family-wise error rate
 * at any dependence between the tests): sorted ascending, p_(i) * (m - i), made monotone, cut at 1.
 */
export function holmAdjust(p: readonly number[]): number[] {
  const m = p.length;
  const order = p.map((_, i) => i).sort((x, y) => p[x] - p[y]);
  const out = new Array<number>(m);
  let running = 0;
  order.forEach((idx, rank) => {
    running = Math.max(running, Math.min(1, (m - rank) * p[idx]));
    out[idx] = running;
  });
  return out;
}

/**
 * Bootstrap of a set metric: resamples the sessions as `bootstrapMeans` does (same seed, same
 * indices) and recomputes the share of `distinctItems` that the resampled lists cover.
 * `items` holds n lists of `stride` slots, cut at `k`, -1 = empty.
 */
export function bootstrapCoverage(
  items: Int32Array,
  stride: number,
  k: number,
  distinctItems: number,
  nItems: number,
  options: BootstrapOptions = {},
): Float64Array {
  const resamples = options.resamples ?? BOOTSTRAP_DEFAULTS.resamples;
  const rand = mulberry32(options.seed ?? BOOTSTRAP_DEFAULTS.seed);
  const n = items.length / stride;
  const cut = Math.min(k, stride);
  const stamp = new Int32Array(nItems).fill(-1); // stamp[item] = last resample that counted it
  const out = new Float64Array(resamples);
  for (let b = 0; b < resamples; b++) {
    let covered = 0;
    for (let i = 0; i < n; i++) {
      const base = Math.floor(rand() * n) * stride;
      for (let j = 0; j < cut; j++) {
        const it = items[base + j];
        if (it < 0) break;
        if (stamp[it] !== b) {
          stamp[it] = b;
          covered++;
        }
      }
    }
    out[b] = distinctItems === 0 ? 0 : covered / distinctItems;
  }
  return out;
}
