import { useState } from 'react';
import type { EvalReport } from '../../core/artifacts/report.js';

const METRICS = ['NDCG', 'HitRate', 'MRR', 'CatalogCoverage', 'Serendipity', 'Novelty'] as const;
const COLORS = ['#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#edc948', '#b07aa1', '#ff9da7', '#9c755f'];

/** The offline metric table from eval.json, and one bar chart per metric (bars = models). */
export function EvaluationView(props: { report: EvalReport | null }) {
  const { report } = props;
  const [k, setK] = useState(20);
  if (!report) {
    return (
      <main className="evaluation">
        <p>No evaluation report was loaded. Run <code>npm run cli -- report --dataset beauty</code>.</p>
      </main>
    );
  }
  const cutoffs = report.protocol.cutoffs;
  return (
    <main className="evaluation" aria-label="Evaluation">
      <h2>
        Offline evaluation: {report.dataset}, {report.split.testCases.toLocaleString()} test sessions
      </h2>
      <p className="muted">
        {report.protocol.split}. Configurations chosen on validation folds; hover a model name for its configuration.
        {report.protocol.embeddings && <> Embeddings: {report.protocol.embeddings}.</>}
      </p>
      <label>
        Cut-off{' '}
        <select value={k} onChange={(e) => setK(Number(e.target.value))}>
          {cutoffs.map((c) => (
            <option key={c} value={c}>
              @{c}
            </option>
          ))}
        </select>
      </label>
      <div className="charts">
        {METRICS.map((m) => (
          <BarChart key={m} metric={`${m}@${k}`} report={report} />
        ))}
      </div>
      <table data-testid="eval-table">
        <thead>
          <tr>
            <th>model</th>
            {cutoffs.flatMap((c) => METRICS.map((m) => <th key={`${m}@${c}`}>{`${m}@${c}`}</th>))}
          </tr>
        </thead>
        <tbody>
          {report.results.map((r) => (
            <tr key={r.model}>
              <th title={`${JSON.stringify(r.config)}\n${r.configSource}`}>{r.model}</th>
              {cutoffs.flatMap((c) =>
                METRICS.map((m) => <td key={`${m}@${c}`}>{(r.metrics[`${m}@${c}`] ?? Number.NaN).toFixed(m === 'Novelty' ? 2 : 4)}</td>),
              )}
            </tr>
          ))}
        </tbody>
      </table>
    </main>
  );
}

function BarChart(props: { metric: string; report: EvalReport }) {
  const { metric, report } = props;
  const rows = report.results.map((r) => ({ model: r.model, value: r.metrics[metric] ?? 0 }));
  const max = Math.max(...rows.map((r) => r.value), 1e-9);
  const barH = 18;
  const labelW = 96;
  const width = 320;
  const height = rows.length * (barH + 4) + 24;
  return (
    <figure className="chart">
      <svg width={width} height={height} role="img" aria-label={`${metric} per model`}>
        <text x={0} y={14} fontSize={13} fontWeight={600}>
          {metric}
        </text>
        {rows.map((r, i) => {
          const y = 22 + i * (barH + 4);
          const w = ((width - labelW - 56) * r.value) / max;
          return (
            <g key={r.model}>
              <text x={labelW - 6} y={y + 13} fontSize={12} textAnchor="end">
                {r.model}
              </text>
              <rect x={labelW} y={y} width={Math.max(w, 1)} height={barH} fill={COLORS[i % COLORS.length]} />
              <text x={labelW + w + 4} y={y + 13} fontSize={11}>
                {metric.startsWith('Novelty') ? r.value.toFixed(2) : r.value.toFixed(4)}
              </text>
            </g>
          );
        })}
      </svg>
    </figure>
  );
}
