import type * as PlotModule from '@observablehq/plot';
import type { EvalReport, ModelResult } from '../../core/artifacts/report.js';

/** A chart waiting for the Plot module (imported lazily by PlotFigure). */
export type EvalPlots = (P: typeof PlotModule) => Element;

/** How a model compares with the report's baseline on one metric. */
export type SignificanceStatus = 'baseline' | 'better' | 'worse' | 'not significant' | 'not tested';

export const STATUS_DOMAIN: readonly SignificanceStatus[] = ['baseline', 'better', 'worse', 'not significant', 'not tested'];
export const STATUS_COLORS = ['#3b3b46', '#2a9d4b', '#d1495b', '#a7b1bd', '#4e79a7'];
export const STATUS_LABELS: Record<SignificanceStatus, string> = {
  baseline: 'baseline',
  better: 'significantly higher',
  worse: 'significantly lower',
  'not significant': 'not significantly different',
  'not tested': 'not tested',
};

export function significanceOf(r: ModelResult, key: string, baseline: string | undefined): SignificanceStatus {
  if (!baseline) return 'not tested';
  if (r.model === baseline) return 'baseline';
  const c = r.vsBaseline?.[key];
  if (!c) return 'not tested';
  if (!c.significant) return 'not significant';
  return c.diff > 0 ? 'better' : 'worse';
}

function digits(key: string): number {
  return key.startsWith('Novelty') ? 2 : 4;
}

interface MetricRow {
  model: string;
  value: number;
  lo?: number;
  hi?: number;
  status: SignificanceStatus;
  note: string;
}

function metricRows(report: EvalReport, key: string): MetricRow[] {
  const baseline = report.uncertainty?.baseline;
  const d = digits(key);
  return report.results.map((r) => {
    const ci = r.ci?.[key];
    const c = r.vsBaseline?.[key];
    const status = significanceOf(r, key, baseline);
    const note = [
      `${r.model}: ${key} ${(r.metrics[key] ?? 0).toFixed(d)}`,
      ci ? `95% CI [${ci[0].toFixed(d)}, ${ci[1].toFixed(d)}]` : 'no interval',
      c ? `vs ${baseline}: ${c.diff >= 0 ? '+' : ''}${c.diff.toFixed(d)}, Holm p ${c.pHolm.toFixed(3)} (${STATUS_LABELS[status]})` : '',
    ]
      .filter(Boolean)
      .join('\n');
    return { model: r.model, value: r.metrics[key] ?? 0, ...(ci ? { lo: ci[0], hi: ci[1] } : {}), status, note };
  });
}

const color = { domain: [...STATUS_DOMAIN], range: STATUS_COLORS };

/** Bars of one metric per model, 95% interval whiskers, colour = paired test against the baseline. */
export function metricPlot(report: EvalReport, key: string): EvalPlots {
  const rows = metricRows(report, key);
  const withCi = rows.filter((r) => r.lo !== undefined);
  const d = digits(key);
  return (P) =>
    P.plot({
      width: 380,
      height: 34 + rows.length * 22,
      marginLeft: 96,
      marginRight: 44,
      marginTop: 24,
      x: { label: key, grid: true, nice: true, labelAnchor: 'left' },
      y: { label: null, domain: rows.map((r) => r.model) },
      color,
      marks: [
        P.barX(rows, { y: 'model', x: 'value', fill: 'status', title: 'note', insetTop: 2, insetBottom: 2, ariaDescription: 'bars' }),
        P.ruleY(withCi, { y: 'model', x1: 'lo', x2: 'hi', stroke: '#111', strokeWidth: 1.4, ariaDescription: '95% confidence interval' }),
        P.tickX(withCi, { y: 'model', x: 'lo', stroke: '#111', insetTop: 5, insetBottom: 5 }),
        P.tickX(withCi, { y: 'model', x: 'hi', stroke: '#111', insetTop: 5, insetBottom: 5 }),
        P.text(rows, { y: 'model', x: (r: MetricRow) => r.hi ?? r.value, text: (r: MetricRow) => r.value.toFixed(d), dx: 4, textAnchor: 'start', fontSize: 10 }),
        P.ruleX([0]),
      ],
    });
}

/** The beyond-accuracy trade-off: NDCG@k (with its interval) against CatalogCoverage@k, one dot per model. */
export function accuracyCoveragePlot(report: EvalReport, k: number): EvalPlots {
  const key = `NDCG@${k}`;
  const rows = metricRows(report, key).map((r, i) => ({ ...r, coverage: report.results[i].metrics[`CatalogCoverage@${k}`] ?? 0 }));
  return (P) =>
    P.plot({
      width: 560,
      height: 380,
      marginRight: 80,
      grid: true,
      x: { label: `CatalogCoverage@${k} →`, domain: [0, 1] },
      y: { label: `↑ NDCG@${k}`, zero: true, nice: true },
      color,
      marks: [
        P.ruleX(
          rows.filter((r) => r.lo !== undefined),
          { x: 'coverage', y1: 'lo', y2: 'hi', stroke: 'status', strokeWidth: 2, ariaDescription: '95% confidence interval' },
        ),
        P.dot(rows, { x: 'coverage', y: 'value', fill: 'status', r: 4, title: 'note', ariaDescription: 'models' }),
        P.text(rows, { x: 'coverage', y: 'value', text: 'model', dx: 7, textAnchor: 'start', fontSize: 10 }),
      ],
    });
}

/** Median and 95th-percentile milliseconds per recommendation list, per model, one panel per backend. */
export function latencyPlot(latency: NonNullable<EvalReport['latency']>): EvalPlots {
  const rows = latency.backends.flatMap((b) => Object.entries(b.perModel).map(([model, q]) => ({ backend: b.backend, model, p50: q.p50, p95: q.p95 })));
  const models = [...new Set(rows.map((r) => r.model))];
  return (P) =>
    P.plot({
      width: 560,
      height: 40 + latency.backends.length * (models.length * 13 + 14),
      marginLeft: 96,
      marginRight: 56,
      x: { type: 'symlog', label: 'ms per list (dot: median, bar to tick: 95th percentile) →', grid: true, ticks: [0, 1, 3, 10, 30, 100, 300, 1000, 3000] },
      y: { label: null, domain: models },
      fy: { label: null, domain: latency.backends.map((b) => b.backend) },
      marks: [
        P.frame({ stroke: '#ddd' }),
        P.ruleY(rows, { fy: 'backend', y: 'model', x1: 'p50', x2: 'p95', stroke: '#9aa5b1', strokeWidth: 2 }),
        P.dot(rows, { fy: 'backend', y: 'model', x: 'p50', fill: '#4e79a7', r: 3, title: (r: (typeof rows)[number]) => `${r.model} on ${r.backend}: median ${r.p50.toFixed(1)} ms, p95 ${r.p95.toFixed(1)} ms`, ariaDescription: 'median' }),
        P.tickX(rows, { fy: 'backend', y: 'model', x: 'p95', stroke: '#e15759', ariaDescription: '95th percentile' }),
      ],
    });
}
