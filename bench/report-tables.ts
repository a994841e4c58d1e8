/**
 * `npx tsx bench/report-tables.ts [dataset]`: the README's result tables as Markdown, read from
 * `public/models/<dataset>/eval.json` (written by `npm run cli -- report`), so every number in
 * them comes from that command.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EvalReport } from '../src/core/artifacts/report.js';
import { MODELS_DIR } from '../src/node/paths.js';

const dataset = process.argv[2] ?? 'beauty';
const report = EvalReport.parse(JSON.parse(readFileSync(join(MODELS_DIR, dataset, 'eval.json'), 'utf8')));
const f4 = (x: number | undefined) => (x === undefined ? '' : x.toFixed(4));
const f2 = (x: number | undefined) => (x === undefined ? '' : x.toFixed(2));
const signed = (x: number) => `${x >= 0 ? '+' : ''}${x.toFixed(4)}`;
/** The papers' Beauty NDCG@20 (Harte et al. 2023; the hybrids: Boz et al. 2024), for reference. */
const PAPER: Record<string, string> = {
  mostpopular: '.0064',
  'v-sknn': '.0475',
  llmseqsim: '.0480 (ada-002)',
  bert4rec: '.0430',
  llm2bert4rec: '.0512',
  sasrec: '.0346',
  gru4rec: '.0338',
  'embedding-ensemble': '.049',
  'llmseqsim-sequential': '.050',
  'llmseqsim-popularity': '.049',
  llmseqprompt: '.0295 (ada fine-tuned)',
};

/** Another dataset's table compares with Beauty's own results (its eval.json) instead of the papers'. */
const beauty =
  dataset === 'beauty' ? null : new Map(EvalReport.parse(JSON.parse(readFileSync(join(MODELS_DIR, 'beauty', 'eval.json'), 'utf8'))).results.map((r) => [r.model, r.metrics['NDCG@20']]));
const reference = (model: string): string => (beauty ? f4(beauty.get(model)) : (PAPER[model] ?? ''));
console.log(`| model | NDCG@10 | HR@10 | MRR@10 | NDCG@20 | HR@20 | MRR@20 | Cov@20 | Seren@20 | Novelty@20 | val. NDCG@20 | ${beauty ? 'Beauty' : 'paper'} NDCG@20 |`);
console.log('|---|---|---|---|---|---|---|---|---|---|---|---|');
for (const r of report.results) {
  const m = r.metrics;
  console.log(
    `| \`${r.model}\` | ${[m['NDCG@10'], m['HitRate@10'], m['MRR@10'], m['NDCG@20'], m['HitRate@20'], m['MRR@20'], m['CatalogCoverage@20'], m['Serendipity@20']].map(f4).join(' | ')} | ${f2(m['Novelty@20'])} | ${f4(r.validation?.['NDCG@20'])} | ${reference(r.model)} |`,
  );
}
const baseline = report.uncertainty?.baseline;
if (baseline) {
  console.log(`\n| model | NDCG@20 [95% CI] | HR@20 [95% CI] | ΔNDCG@20 vs \`${baseline}\` [95% CI] | p (Holm) | significant at .05 |`);
  console.log('|---|---|---|---|---|---|');
  for (const r of report.results) {
    const ci = (k: string) => (r.ci?.[k] ? `${f4(r.metrics[k])} [${f4(r.ci[k][0])}, ${f4(r.ci[k][1])}]` : f4(r.metrics[k]));
    const c = r.vsBaseline?.['NDCG@20'];
    const cmp = r.model === baseline || !c ? 'baseline |  |  ' : `${signed(c.diff)} [${signed(c.ci[0])}, ${signed(c.ci[1])}] | ${c.pHolm.toFixed(3).replace(/^0/, '')} | ${c.significant ? 'yes' : 'no'}`;
    console.log(`| \`${r.model}\` | ${ci('NDCG@20')} | ${ci('HitRate@20')} | ${cmp} |`);
  }
}
