import { trainedEntries } from '../../core/artifacts/manifest.js';
import { EvalReport } from '../../core/artifacts/report.js';
import { CATALOGUE } from '../../recommenders/catalogue.js';
import { join } from 'node:path';
import { readManifest, writeArtifact, writeCatalogArtifacts, writeManifest } from '../artifacts.js';
import { ROOT } from '../paths.js';
import { latencyFromBench, type UncertaintyResult } from '../uncertainty-report.js';
import { chooseConfig } from './context.js';
import { evaluateModels, type ModelRun } from './evaluate.js';

/** Models the dataset can serve: every untrained model, the trained ones its manifest lists (and hybrids over them), and those whose own embeddings it lists. */
export async function servableModels(dataset: string): Promise<string[]> {
  const manifest = readManifest(dataset);
  const trained = new Set((manifest ? trainedEntries(manifest) : []).map((m) => m.name));
  const embeddings = new Set((manifest?.embeddings ?? []).map((e) => e.name));
  const out: string[] = [];
  for (const m of CATALOGUE) {
    if (m.trained && !trained.has(m.name)) continue;
    const own = m.embeddings?.(dataset);
    if (own && !embeddings.has(own)) continue;
    if (m.needs.includes('weights') && !m.trained) {
      const c = (await chooseConfig(dataset, m.name)).config as { sequential?: string };
      if (c.sequential && !trained.has(c.sequential)) continue;
    }
    out.push(m.name);
  }
  return out;
}

export interface ReportOptions {
  readonly dataset: string;
  /** Default: every model the dataset can serve. */
  readonly models?: readonly string[];
  readonly embeddings?: string;
  /** Paired tests of every model against this one, in eval.json. */
  readonly baseline?: string;
  readonly onProgress?: (model: string, done: number, total: number) => void;
}

/** Evaluates models on the test split with their chosen configs and writes eval.json (listed in the manifest). */
export async function writeReport(o: ReportOptions): Promise<{ report: EvalReport; runs: ModelRun[]; file: string; uncertainty: UncertaintyResult }> {
  const models = o.models ?? (await servableModels(o.dataset));
  if (o.baseline && !models.includes(o.baseline)) throw new RangeError(`the baseline ${o.baseline} is not among the reported models`);
  const { workspace: ws, runs, uncertainty: u } = await evaluateModels({ dataset: o.dataset, models, embeddings: o.embeddings, baseline: o.baseline, onProgress: o.onProgress });
  // The cold-start split on the same workspace: every model, as it is.
  const cold = await evaluateModels({ dataset: o.dataset, models, split: 'cold', workspace: ws, onProgress: o.onProgress });
  const s = ws.protocol.split.stats;
  const d = ws.dataset;
  const report = EvalReport.parse({
    dataset: o.dataset,
    createdAt: new Date().toISOString(),
    protocol: {
      split: `${ws.protocol.splitDescription}; untrained test items removed; last item withheld`,
      testFraction: 0.2,
      cutoffs: [...ws.protocol.cutoffs],
      ...(ws.embeddingsLabel ? { embeddings: ws.embeddingsLabel } : {}),
    },
    split: {
      sessions: d.sessions.ids.length,
      items: d.catalog.ids.length,
      interactions: d.sessions.items.length,
      trainSessions: s.trainSessions,
      testSessions: s.testSessions,
      testCases: s.testCases,
    },
    uncertainty: u.method,
    results: runs.map(({ lists: _lists, scores: _scores, ...result }) => ({
      ...result,
      ci: u.ci[result.model],
      ...(u.vsBaseline?.[result.model] ? { vsBaseline: u.vsBaseline[result.model] } : {}),
    })),
    coldStart: {
      description: cold.label,
      cases: cold.cases.targets.length,
      results: cold.runs.map((r) => ({ model: r.model, metrics: r.metrics, ci: cold.uncertainty.ci[r.model] })),
    },
    latency: latencyFromBench(join(ROOT, 'bench', 'results', 'browser.json')),
  });
  const manifest = readManifest(o.dataset) ?? writeCatalogArtifacts(o.dataset, d.catalog);
  const ref = writeArtifact(o.dataset, 'eval.json', new TextEncoder().encode(`${JSON.stringify(report, null, 2)}\n`));
  writeManifest({ ...manifest, evaluation: ref });
  return { report, runs, file: ref.file, uncertainty: u };
}
