import { existsSync, readFileSync } from 'node:fs';
import { relative } from 'node:path';
import type { Interval, SessionMatrix } from '../core/metrics/bootstrap.js';
import type { EvalReport } from '../core/artifacts/report.js';
import type { MetricValues } from '../core/metrics/metrics.js';
import { type Comparison, compareWithBaseline, modelUncertainty, uncertaintyMethod } from '../evaluation/uncertainty.js';
import { ROOT } from './paths.js';
import { fmt, formatTable } from './table.js';

/** One line for stderr: the bootstrap's cost per model. */
export function bootstrapTimes(u: UncertaintyResult): string {
  return `bootstrap per model, ms wall/CPU: ${Object.keys(u.bootstrapMs).map((m) => `${m} ${u.bootstrapMs[m].toFixed(0)}/${u.bootstrapCpuMs[m].toFixed(0)}`).join(', ')}`;
}

/** A scored model as `evaluate` and `report` hold it. */
export interface ScoredRow {
  readonly model: string;
  readonly metrics: MetricValues;
  readonly scores: SessionMatrix;
}

export interface UncertaintyResult {
  /** Model -> metric key -> interval. */
  readonly ci: Record<string, Record<string, Interval>>;
  /** Model -> metric key -> comparison with the baseline (absent without a baseline). */
  readonly vsBaseline?: Record<string, Record<string, Comparison>>;
  readonly method: ReturnType<typeof uncertaintyMethod> & { baseline?: string; seconds: number };
  /** Wall-clock and process-CPU milliseconds of the bootstrap per model (1,000 resamples over all per-session metrics). */
  readonly bootstrapMs: Record<string, number>;
  readonly bootstrapCpuMs: Record<string, number>;
}

/** Bootstrap intervals for every row and, with a baseline, paired tests of every row against it. */
export function uncertaintyFor(rows: readonly ScoredRow[], baseline?: string): UncertaintyResult {
  const t0 = performance.now();
  const bootstrapMs: Record<string, number> = {};
  const bootstrapCpuMs: Record<string, number> = {};
  const models = rows.map((r) => {
    const t = performance.now();
    const cpu = process.cpuUsage();
    const u = modelUncertainty(r.model, r.scores, r.metrics);
    const used = process.cpuUsage(cpu);
    bootstrapMs[r.model] = performance.now() - t;
    bootstrapCpuMs[r.model] = (used.user + used.system) / 1000;
    return u;
  });
  const vsBaseline = baseline ? compareWithBaseline(models, baseline) : undefined;
  return {
    ci: Object.fromEntries(models.map((m) => [m.model, m.ci])),
    ...(vsBaseline ? { vsBaseline } : {}),
    method: { ...uncertaintyMethod(), ...(baseline ? { baseline } : {}), seconds: (performance.now() - t0) / 1000 },
    bootstrapMs,
    bootstrapCpuMs,
  };
}

const SHOWN = ['NDCG', 'HitRate', 'MRR', 'Serendipity', 'Novelty'];

function withCi(value: number, ci: Interval | undefined, digits: number): string {
  return ci ? `${fmt(value, digits)} [${fmt(ci[0], digits)}, ${fmt(ci[1], digits)}]` : fmt(value, digits);
}

function signed(x: number): string {
  return `${x >= 0 ? '+' : ''}${fmt(x, 4)}`;
}

function pValue(p: number): string {
  return p < 0.001 ? '<.001' : p.toFixed(3).replace(/^0/, '');
}

/**
 * Two terminal tables at cut-off `k`: each model's per-session metrics with their intervals, and
 * (with a baseline) NDCG, HitRate and MRR differences with the paired test.
 */
export function formatUncertainty(rows: readonly ScoredRow[], u: UncertaintyResult, k: number): string {
  const ciTable = formatTable(
    ['model', ...SHOWN.map((m) => `${m}@${k} [95% CI]`)],
    rows.map((r) => [r.model, ...SHOWN.map((m) => withCi(r.metrics[`${m}@${k}`], u.ci[r.model]?.[`${m}@${k}`], m === 'Novelty' ? 3 : 4))]),
  );
  const out = [`95% bootstrap confidence intervals over ${rows[0]?.scores.n ?? 0} test sessions (${u.method.resamples} resamples, seed ${u.method.seed}); CatalogCoverage has none (set metric, see eval.json "uncertainty.excluded")`, ciTable];
  if (u.vsBaseline && u.method.baseline) {
    const tested = ['NDCG', 'HitRate', 'MRR'];
    out.push(
      '',
      `against ${u.method.baseline}: difference [paired bootstrap 95% CI], randomisation-test p, Holm-adjusted p over ${rows.length - 1} models; * = significant at .05 after Holm`,
      formatTable(
        ['model', ...tested.flatMap((m) => [`Δ${m}@${k} [95% CI]`, 'p', 'p(Holm)'])],
        rows
          .filter((r) => r.model !== u.method.baseline)
          .map((r) => [
            r.model,
            ...tested.flatMap((m) => {
              const c = u.vsBaseline![r.model][`${m}@${k}`];
              return [`${signed(c.diff)} [${signed(c.ci[0])}, ${signed(c.ci[1])}]`, pValue(c.p), `${pValue(c.pHolm)}${c.significant ? ' *' : '  '}`];
            }),
          ]),
      ),
    );
  }
  return out.join('\n');
}

/** The browser benchmark's per-model latencies for eval.json, if the benchmark has been run. */
export function latencyFromBench(path: string): EvalReport['latency'] {
  if (!existsSync(path)) return undefined;
  const bench = JSON.parse(readFileSync(path, 'utf8')) as {
    date: string;
    sessions: number;
    results: { backend: string; perModel: Record<string, { p50: number; p95: number }> }[];
  };
  return {
    source: `${relative(ROOT, path)} (npm run bench:browser; ms per recommendation list in headless Chromium, SwiftShader for WebGL/WebGPU)`,
    date: bench.date,
    sessions: bench.sessions,
    backends: bench.results.map((r) => ({ backend: r.backend, perModel: r.perModel })),
  };
}
