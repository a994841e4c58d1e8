import type { SeqModelEntry } from '../core/artifacts/manifest.js';
import type { ModelResult } from '../core/artifacts/report.js';
import { InputError } from '../core/errors.js';
import { parseJson } from '../core/json.js';
import { type Protocol, scoreLists } from '../evaluation/protocol.js';
import { deserializeModel } from '../neural/io.js';
import type { SeqModel } from '../neural/model.js';
import { type Recommender, recommendAll } from '../recommenders/types.js';
import { readVerified } from './artifacts.js';

/** Loads a sequential model listed in the manifest (files checked against their entries). */
export function loadSeqModel(dataset: string, entry: SeqModelEntry, nItems: number): SeqModel {
  if (entry.nItems !== nItems) throw new InputError(entry.model.file, `scores ${entry.nItems} items, the catalog has ${nItems}: retrain it`);
  const json = new TextDecoder().decode(readVerified(dataset, entry.model));
  const model = deserializeModel(json, readVerified(dataset, entry.weights), entry.model.file);
  if (model.config.nItems !== nItems) {
    model.dispose();
    throw new InputError(entry.model.file, `describes ${model.config.nItems} items, the catalog has ${nItems}`);
  }
  return model;
}

/** The parts of a model's train-log.json (written by `cli train`) that reports and benchmarks read. */
export interface TrainLogSummary {
  config: Record<string, unknown>;
  trainSeconds: number;
  bestEpoch: number;
  bestValNdcg20: number;
  history: { seconds: number }[];
}

export function readTrainLog(dataset: string, entry: SeqModelEntry): TrainLogSummary | null {
  return entry.trainLog ? (parseJson(new TextDecoder().decode(readVerified(dataset, entry.trainLog)), entry.trainLog.file) as TrainLogSummary) : null;
}

/** A shipped sequential model scored on the test split, as an evaluation-report row. */
export function seqModelResult(entry: SeqModelEntry, rec: Recommender, log: TrainLogSummary | null, p: Protocol): ModelResult {
  const t0 = performance.now();
  const lists = recommendAll(rec, p.split.test, Math.max(...p.cutoffs));
  const predictSeconds = (performance.now() - t0) / 1000;
  return {
    model: entry.name,
    config: { ...(log?.config ?? {}), weights: entry.weightsDtype },
    configSource: `${entry.trainLog?.file ?? entry.model.file} (trained by \`cli train\`, early stopping on inner validation)`,
    sessions: p.split.test.targets.length,
    metrics: scoreLists(p, lists, p.split.test.targets),
    fitSeconds: log?.trainSeconds ?? 0,
    predictSeconds,
    ...(log ? { validation: { 'NDCG@20': log.bestValNdcg20 } } : {}),
  };
}
