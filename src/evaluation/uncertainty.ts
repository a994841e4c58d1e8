import {
  BOOTSTRAP_DEFAULTS,
  type BootstrapOptions,
  bootstrapMeans,
  columnMeans,
  holmAdjust,
  type Interval,
  intervals,
  pairedIntervals,
  pairedRandomisationTest,
  type SessionMatrix,
  sessionMatrix,
} from '../core/metrics/bootstrap.js';
import { type MetricValues, type RecLists, SESSION_METRIC_NAMES, sessionValues } from '../core/metrics/metrics.js';
import type { Protocol } from './protocol.js';

/**
 * Confidence intervals and paired tests for the protocol's metrics (issue #12, "Evaluation a
 * reader can trust"). Every model is resampled with the same seed over the same test
 * sessions, so resample b holds the same sessions for every model: the difference of two
 * models' bootstrap means is a paired bootstrap of their difference.
 */

export const RANDOMISATION_ROUNDS = 1000;
export const SIGNIFICANCE_LEVEL = 0.05;

/** Metrics without a confidence interval, and why (the key prefix before "@"). */
export const CI_EXCLUDED: Readonly<Record<string, string>> = {
  CatalogCoverage:
    'a set metric (distinct items over all lists), not a mean over sessions: a bootstrap resample holds ~63% ' +
    'distinct sessions, so recomputing coverage on it measures a smaller sample and its percentile interval ' +
    'misses the observed value (Beauty, v-sknn: Cov@20 0.890, all 1,000 resampled values 0.79-0.81; bench/bootstrap.ts)',
};

/** How the intervals and tests were computed, for the report (each number reproducible from it). */
export function uncertaintyMethod(options: BootstrapOptions = {}) {
  const resamples = options.resamples ?? BOOTSTRAP_DEFAULTS.resamples;
  const seed = options.seed ?? BOOTSTRAP_DEFAULTS.seed;
  const level = options.level ?? BOOTSTRAP_DEFAULTS.level;
  return {
    ci: `${Math.round(level * 100)}% percentile bootstrap over test sessions (${resamples} resamples, mulberry32 seed ${seed}, the same resamples for every model)`,
    resamples,
    seed,
    level,
    test:
      `two-sided paired randomisation (sign-flip) test on per-session differences, ${RANDOMISATION_ROUNDS} rounds; ` +
      'difference interval: paired bootstrap over the same resamples',
    correction: `Holm over the models compared with the baseline, per metric; significant = Holm-adjusted p < ${SIGNIFICANCE_LEVEL}`,
    excluded: CI_EXCLUDED,
  };
}

/** Per-session values of every per-session metric at the protocol's cut-offs, keyed like the metrics ("NDCG@20"). */
export function sessionScores(p: Protocol, lists: RecLists, targets: Int32Array): SessionMatrix {
  const columns: Record<string, Float64Array> = {};
  for (const k of p.cutoffs) {
    const v = sessionValues(lists, targets, k, p.popularity).values;
    for (const m of SESSION_METRIC_NAMES) columns[`${m}@${k}`] = v[m];
  }
  return sessionMatrix(columns);
}

/** One model's per-session scores and bootstrap means (what the paired comparisons need). */
export interface ModelUncertainty {
  readonly model: string;
  readonly scores: SessionMatrix;
  readonly means: Float64Array;
  /** Interval per metric key, in the order of `metrics` (excluded metrics left out). */
  readonly ci: Record<string, Interval>;
}

/** Bootstrap intervals for one model, ordered like its `metrics` object. */
export function modelUncertainty(model: string, scores: SessionMatrix, metrics: MetricValues, options: BootstrapOptions = {}): ModelUncertainty {
  const means = bootstrapMeans(scores, options);
  const byKey = intervals(scores.keys, means, options.level);
  const ci: Record<string, Interval> = {};
  for (const key of Object.keys(metrics)) if (byKey[key]) ci[key] = byKey[key];
  return { model, scores, means, ci };
}

export interface Comparison {
  /** mean(model) - mean(baseline). */
  readonly diff: number;
  /** Paired bootstrap interval of the difference. */
  readonly ci: Interval;
  /** Randomisation-test p-value, and after Holm's correction. */
  readonly p: number;
  readonly pHolm: number;
  readonly significant: boolean;
}

/**
 * Every model against `baseline` on every per-session metric: difference, its paired bootstrap
 * interval, the randomisation p-value, and Holm's adjustment over the models compared
 * (one family per metric). The baseline itself is not compared.
 */
export function compareWithBaseline(
  models: readonly ModelUncertainty[],
  baseline: string,
  options: BootstrapOptions = {},
): Record<string, Record<string, Comparison>> {
  const base = models.find((m) => m.model === baseline);
  if (!base) throw new RangeError(`baseline "${baseline}" was not evaluated`);
  const others = models.filter((m) => m !== base);
  const keys = base.scores.keys;
  const baseMean = columnMeans(base.scores);
  const raw = others.map((m) => ({
    m,
    p: pairedRandomisationTest(m.scores, base.scores, { rounds: RANDOMISATION_ROUNDS, seed: options.seed }),
    ci: pairedIntervals(keys, m.means, base.means, options.level),
    mean: columnMeans(m.scores),
  }));
  const out: Record<string, Record<string, Comparison>> = {};
  for (const r of raw) out[r.m.model] = {};
  keys.forEach((key, j) => {
    const adjusted = holmAdjust(raw.map((r) => r.p[key]));
    raw.forEach((r, i) => {
      out[r.m.model][key] = {
        diff: r.mean[j] - baseMean[j],
        ci: r.ci[key],
        p: r.p[key],
        pHolm: adjusted[i],
        significant: adjusted[i] < SIGNIFICANCE_LEVEL,
      };
    });
  });
  return out;
}
