import { type EvalCases, type SessionSet } from '../../core/dataset/types.js';
import { InputError } from '../../core/errors.js';
import { meanMetrics, type MetricValues } from '../../core/metrics/metrics.js';
import { runModel } from '../../evaluation/protocol.js';
import { z } from 'zod';
import { innerSplit } from '../../core/dataset/inner-split.js';
import { modelEntry, resolveConfig } from '../../recommenders/catalogue.js';
import { writeBestConfig } from '../configs.js';
import { readJsonFile } from '../json-file.js';
import { contextOn, openWorkspace, readTrainLog, type Workspace } from './context.js';
import { readManifest } from '../artifacts.js';
import { readBestConfig } from '../configs.js';

export interface TuneOptions {
  readonly dataset: string;
  readonly model: string;
  /** A JSON file holding an array of partial configs (default: the model's grid). */
  readonly gridFile?: string;
  readonly embeddings?: string;
  readonly dryRun?: boolean;
  readonly selectedBy?: string;
  readonly onProgress?: (done: number, total: number) => void;
}

export interface TuneResult {
  readonly model: string;
  /** Where the configs were scored, e.g. "3 validation folds". */
  readonly on: string;
  readonly ranked: { config: object; metrics: MetricValues }[];
  readonly embeddingsLabel?: string;
  readonly recorded: boolean;
}

/** Validation sets a config is scored on: the folds, or the inner validation set of the trained model it names. */
async function validationSets(ws: Workspace, model: string, config: object): Promise<{ train: SessionSet; cases: EvalCases }[]> {
  const entry = modelEntry(model);
  if (entry.tuning.on === 'folds') return ws.protocol.folds.map((f) => ({ train: f.train, cases: f.validation }));
  const seqName = (config as { sequential?: string }).sequential;
  const seq = readManifest(ws.name)?.sequentialModels?.find((m) => m.name === seqName);
  if (!seq) throw new InputError(`public/models/${ws.name}/manifest.json`, `lists no trained ${seqName}`);
  const log = await readTrainLog(ws.name, seq);
  if (!log) throw new InputError(seq.model.file, 'has no training log: its inner validation set is unknown');
  // Only what chose the inner split (older logs predate later config keys).
  const cfg = z.object({ seed: z.number().int(), valMax: z.number().int().positive() }).parse(log.config);
  return [innerSplit(ws.protocol.split.train, { valFraction: 0.1, valMax: cfg.valMax, seed: cfg.seed })];
}

/**
 * Grid search: every config scored by mean NDCG@20 over its validation sets (the 3 folds, or for
 * hybrids over a trained model, that model's inner validation set); the best is recorded in
 * configs/<dataset>.json. Never the test split.
 */
export async function tuneModel(o: TuneOptions): Promise<TuneResult> {
  const entry = modelEntry(o.model);
  if (entry.tuning.on === 'none') throw new RangeError(`${o.model} is not tuned by \`tune\`: ${entry.tuning.why}`);
  const ws = await openWorkspace(o.dataset, [o.model], { embeddings: o.embeddings });
  const best = (m: string) => readBestConfig(o.dataset, m)?.config;
  // The sequential models only: a hybrid over a trained model cannot run on the language model (LLMSeqPrompt).
  const trainedNames = [...ws.trained].filter(([, f]) => 'arch' in f.entry).map(([name]) => name);
  const grid = o.gridFile
    ? readJsonFile(o.gridFile)
    : entry.tuning.on === 'folds'
      ? entry.tuning.grid(best)
      : entry.tuning.grid(best, trainedNames);
  const source = o.gridFile ?? 'built-in grid';
  if (!Array.isArray(grid) || grid.length === 0) throw new InputError(source, 'must be a non-empty JSON array of configs (for a model over trained weights: is one trained?)');
  const configs = grid.map((g, i) => resolveConfig(o.model, g, `${source}[${i}]`));
  const sets = await Promise.all(configs.map((c) => validationSets(ws, o.model, c)));
  const total = sets.reduce((a, s) => a + s.length, 0);
  let done = 0;
  const ranked = configs.map((config, i) => {
    const perSet = sets[i].map((s) => {
      const r = runModel(ws.protocol, o.model, config, contextOn(ws, s.train, o.model), s.cases);
      o.onProgress?.(++done, total);
      return r.metrics;
    });
    return { config, metrics: meanMetrics(perSet) };
  });
  ranked.sort((a, b) => b.metrics['NDCG@20'] - a.metrics['NDCG@20']);
  const on = entry.tuning.on === 'folds' ? `${ws.protocol.folds.length} validation folds` : 'the trained model\'s inner validation set';
  if (!o.dryRun) {
    writeBestConfig(o.dataset, o.model, {
      config: ranked[0].config as Record<string, unknown>,
      selectedBy: `${o.selectedBy ? `${o.selectedBy}; ` : ''}best mean NDCG@20 over ${on} of ${configs.length} config${configs.length > 1 ? 's' : ''}`,
      validation: ranked[0].metrics,
      candidates: configs.length,
    });
  }
  return { model: o.model, on, ranked, embeddingsLabel: ws.embeddingsLabel, recorded: !o.dryRun };
}
