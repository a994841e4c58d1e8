/**
 * `npx tsx bench/bootstrap.ts`: what the confidence intervals cost on the full Beauty test split
 * (4,469 sessions): per-session metric values, 1,000 bootstrap resamples of all 10 per-session
 * metrics, the paired randomisation test (1,000 rounds) against v-sknn, and the bootstrap of
 * catalog coverage recomputed per resample (why coverage gets no interval). Runs the session
 * models that need no embeddings. Prints a table and writes bench/results/bootstrap.json.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { bootstrapCoverage, bootstrapMeans, pairedRandomisationTest, quantileSorted } from '../src/core/metrics/bootstrap.js';
import { makeProtocol, runModel, scoreLists } from '../src/evaluation/protocol.js';
import { RANDOMISATION_ROUNDS, sessionScores } from '../src/evaluation/uncertainty.js';
import { readBestConfig } from '../src/node/configs.js';
import { loadDataset } from '../src/node/dataset-files.js';
import { ROOT } from '../src/node/paths.js';
import { fmt, formatTable } from '../src/node/table.js';
import { resolveConfig } from '../src/recommenders/catalogue.js';

const MODELS = ['v-sknn', 'sf-sknn', 'sknn', 'mostpopular'];
const REPEATS = 5;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/** Wall-clock ms of f, and the process's CPU ms (user + system): on a shared, overloaded machine the CPU time is the fairer number. */
function timeMs(f: () => void): number {
  const t = performance.now();
  f();
  return performance.now() - t;
}
function cpuMs(f: () => void): number {
  const c = process.cpuUsage();
  f();
  const d = process.cpuUsage(c);
  return (d.user + d.system) / 1000;
}

const dataset = loadDataset('beauty');
const p = makeProtocol(dataset);
const cases = p.split.test;
const runs = MODELS.map((model) => ({ model, run: runModel(p, model, resolveConfig(model, readBestConfig('beauty', model)?.config, 'bench'), { train: p.split.train, nItems: dataset.catalog.ids.length }, cases) }));
const base = runs[0].run;

const rows = runs.map(({ model, run }) => {
  const scoreMs = median(Array.from({ length: REPEATS }, () => timeMs(() => scoreLists(p, run.lists, cases.targets))));
  const perSessionMs = median(Array.from({ length: REPEATS }, () => timeMs(() => sessionScores(p, run.lists, cases.targets))));
  const bootstrapMs = median(Array.from({ length: REPEATS }, () => timeMs(() => bootstrapMeans(run.scores))));
  const bootstrapCpuMs = median(Array.from({ length: REPEATS }, () => cpuMs(() => bootstrapMeans(run.scores))));
  const testMs = median(Array.from({ length: REPEATS }, () => timeMs(() => pairedRandomisationTest(run.scores, base.scores, { rounds: RANDOMISATION_ROUNDS }))));
  let cov: Float64Array = new Float64Array();
  const coverageMs = timeMs(() => (cov = bootstrapCoverage(run.lists.items, run.lists.k, 20, p.popularity.distinctItems, dataset.catalog.ids.length)));
  const sorted = Float64Array.from(cov).sort();
  const observed = run.metrics['CatalogCoverage@20'];
  return {
    model,
    sessions: run.sessions,
    metricsMs: scoreMs,
    perSessionValuesMs: perSessionMs,
    bootstrapMs,
    bootstrapCpuMs,
    randomisationTestMs: testMs,
    coverageBootstrapMs: coverageMs,
    coverage20: observed,
    coverage20ResampledMean: cov.reduce((a, v) => a + v, 0) / cov.length,
    coverage20ResampledCi: [quantileSorted(sorted, 0.025), quantileSorted(sorted, 0.975)],
    coverage20ResamplesAtOrAboveObserved: cov.filter((v) => v >= observed).length,
  };
});

console.log(`Beauty test split: ${cases.targets.length} sessions; 1,000 resamples / rounds; median of ${REPEATS} runs (wall ms; bootstrap CPU = process CPU ms; load average ${(await import('node:os')).loadavg()[0].toFixed(1)} on ${(await import('node:os')).cpus().length} cores)`);
console.log(
  formatTable(
    ['model', 'metrics', 'per-session values', 'bootstrap (10 metrics)', 'bootstrap CPU', `randomisation test vs ${MODELS[0]}`, 'coverage bootstrap', 'Cov@20', 'resampled Cov@20 [95%]', 'resamples >= observed'],
    rows.map((r) => [
      r.model,
      fmt(r.metricsMs, 1),
      fmt(r.perSessionValuesMs, 1),
      fmt(r.bootstrapMs, 1),
      fmt(r.bootstrapCpuMs, 1),
      fmt(r.randomisationTestMs, 1),
      fmt(r.coverageBootstrapMs, 1),
      fmt(r.coverage20),
      `${fmt(r.coverage20ResampledMean)} [${fmt(r.coverage20ResampledCi[0])}, ${fmt(r.coverage20ResampledCi[1])}]`,
      String(r.coverage20ResamplesAtOrAboveObserved),
    ]),
  ),
);
const out = join(ROOT, 'bench', 'results', 'bootstrap.json');
mkdirSync(join(ROOT, 'bench', 'results'), { recursive: true });
writeFileSync(out, `${JSON.stringify({ date: new Date().toISOString(), resamples: 1000, rounds: RANDOMISATION_ROUNDS, repeats: REPEATS, rows }, null, 2)}\n`);
console.log(`wrote ${out}`);
