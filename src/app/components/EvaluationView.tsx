import { useMemo, useState } from 'react';
import type { EvalReport } from '../../core/artifacts/report.js';
import { accuracyCoveragePlot, latencyPlot, metricPlot, STATUS_COLORS, STATUS_DOMAIN, STATUS_LABELS, type SignificanceStatus, significanceOf } from './eval-plots.js';
import { PlotFigure } from './PlotFigure.js';

const METRICS = ['NDCG', 'HitRate', 'MRR', 'CatalogCoverage', 'Serendipity', 'Novelty'] as const;

/**
 * The offline evaluation from eval.json: one bar chart per metric with 95% bootstrap intervals
 * (colour = paired test against the report's baseline), accuracy against catalog coverage,
 * in-browser latency per model from the browser benchmark, and the metric table.
 * Charts are Observable Plot, loaded only when this view opens.
 */
export function EvaluationView(props: { report: EvalReport | null }) {
  const { report } = props;
  const [k, setK] = useState(20);
  const plots = useMemo(
    () =>
      report && {
        metrics: METRICS.map((m) => ({ label: `${m}@${k} per model`, plot: metricPlot(report, `${m}@${k}`) })),
        tradeOff: accuracyCoveragePlot(report, k),
        latency: report.latency && latencyPlot(report.latency),
      },
    [report, k],
  );
  if (!report || !plots) {
    return (
      <main className="evaluation">
        <p>No evaluation report was loaded. Run <code>npm run cli -- report --dataset beauty</code>.</p>
      </main>
    );
  }
  const cutoffs = report.protocol.cutoffs;
  const u = report.uncertainty;
  const baseline = u?.baseline;
  return (
    <main className="evaluation" aria-label="Evaluation">
      <h2>
        Offline evaluation: {report.dataset}, {report.split.testCases.toLocaleString()} test sessions
      </h2>
      <p className="muted">
        {report.protocol.split}. Configurations chosen on validation folds; hover a model name for its configuration.
        {report.protocol.embeddings && <> Embeddings: {report.protocol.embeddings}.</>}
      </p>
      {u && (
        <p className="muted" data-testid="eval-method">
          Error bars: {u.ci}.{' '}
          {baseline ? (
            <>
              Colours compare each model with <strong>{baseline}</strong>: {u.test}; {u.correction}.{' '}
            </>
          ) : null}
          {Object.entries(u.excluded).map(([m, why]) => (
            <span key={m}>
              {m} has no interval: {why}.{' '}
            </span>
          ))}
        </p>
      )}
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
      {baseline && (
        <p className="legend" data-testid="eval-legend">
          {STATUS_DOMAIN.filter((s) => s !== 'not tested').map((s) => (
            <span key={s}>
              <i style={{ background: STATUS_COLORS[STATUS_DOMAIN.indexOf(s)] }} /> {s === 'baseline' ? `baseline (${baseline})` : STATUS_LABELS[s]}
            </span>
          ))}
          <span>— whiskers: 95% confidence interval</span>
        </p>
      )}
      <div className="charts">
        {plots.metrics.map((c) => (
          <PlotFigure key={c.label} label={c.label} plot={c.plot} />
        ))}
      </div>
      <div className="charts">
        <PlotFigure
          label="accuracy against coverage"
          plot={plots.tradeOff}
          caption={`Accuracy against catalog coverage (the beyond-accuracy trade-off): NDCG@${k} with its 95% interval; coverage has no interval (a set metric).`}
        />
        {report.latency && plots.latency && (
          <PlotFigure
            label="latency per model"
            plot={plots.latency}
            caption={`In-browser latency per recommendation list, ${report.latency.sessions} sessions per backend, from ${report.latency.source}, ${report.latency.date.slice(0, 10)}.`}
          />
        )}
      </div>
      <table data-testid="eval-table">
        <thead>
          <tr>
            <th>model</th>
            {cutoffs.flatMap((c) => METRICS.map((m) => <th key={`${m}@${c}`}>{`${m}@${c}`}</th>))}
            {baseline && <th>{`NDCG@${k} vs ${baseline}`}</th>}
          </tr>
        </thead>
        <tbody>
          {report.results.map((r) => {
            const cmp = r.vsBaseline?.[`NDCG@${k}`];
            return (
              <tr key={r.model}>
                <th title={`${JSON.stringify(r.config)}\n${r.configSource}`}>{r.model}</th>
                {cutoffs.flatMap((c) =>
                  METRICS.map((m) => {
                    const key = `${m}@${c}`;
                    const ci = r.ci?.[key];
                    const digits = m === 'Novelty' ? 2 : 4;
                    return (
                      <td key={key} title={ci ? `95% CI [${ci[0].toFixed(digits)}, ${ci[1].toFixed(digits)}]` : undefined}>
                        {(r.metrics[key] ?? Number.NaN).toFixed(digits)}
                      </td>
                    );
                  }),
                )}
                {baseline && (
                  <td data-testid="vs-baseline" className={statusClass(significanceOf(r, `NDCG@${k}`, baseline))}>
                    {cmp ? `${cmp.diff >= 0 ? '+' : ''}${cmp.diff.toFixed(4)} (p ${cmp.pHolm < 0.001 ? '< .001' : `= ${cmp.pHolm.toFixed(3)}`}${cmp.significant ? '' : ', n.s.'})` : 'baseline'}
                  </td>
                )}
              </tr>
            );
          })}
        </tbody>
      </table>
      {baseline && <p className="muted">p: Holm-adjusted paired randomisation test; n.s. = not significant at .05.</p>}
      {report.coldStart && (
        <section aria-label="Cold start">
          <h3>Cold start: items nobody has bought yet</h3>
          <p className="muted">
            {report.coldStart.cases.toLocaleString()} test sessions whose withheld item never occurs in training ({report.coldStart.description}). The
            paper's protocol removes these items; models that learn only from sessions cannot recommend them.
          </p>
          <table data-testid="cold-table">
            <thead>
              <tr>
                <th>model</th>
                {['NDCG@10', 'HitRate@10', 'NDCG@20', 'HitRate@20'].map((key) => (
                  <th key={key}>{key}</th>
                ))}
              </tr>
            </thead>
            <tbody>
              {report.coldStart.results.map((r) => (
                <tr key={r.model}>
                  <th>{r.model}</th>
                  {['NDCG@10', 'HitRate@10', 'NDCG@20', 'HitRate@20'].map((key) => {
                    const ci = r.ci?.[key];
                    return (
                      <td key={key} title={ci ? `95% CI [${ci[0].toFixed(4)}, ${ci[1].toFixed(4)}]` : undefined}>
                        {(r.metrics[key] ?? Number.NaN).toFixed(4)}
                      </td>
                    );
                  })}
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      )}
    </main>
  );
}

function statusClass(s: SignificanceStatus): string {
  return s === 'better' ? 'sig-better' : s === 'worse' ? 'sig-worse' : '';
}
