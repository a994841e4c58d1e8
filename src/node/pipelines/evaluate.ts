import type { ModelResult } from '../../core/artifacts/report.js';
import type { EvalCases } from '../../core/dataset/types.js';
import type { MetricValues, RecLists } from '../../core/metrics/metrics.js';
import { runModel } from '../../evaluation/protocol.js';
import { modelEntry } from '../../recommenders/catalogue.js';
import { casesFor, chooseConfig, contextOn, openWorkspace, type SplitChoice, type Workspace } from './context.js';

export interface EvaluateOptions {
  readonly dataset: string;
  readonly models: readonly string[];
  readonly split?: SplitChoice;
  /** A partial config file for a single model. */
  readonly configFile?: string;
  readonly embeddings?: string;
  /** Progress of one model's scoring. */
  readonly onProgress?: (model: string, done: number, total: number) => void;
  /** An opened workspace to reuse (tests, bench). */
  readonly workspace?: Workspace;
}

export interface ModelRun extends ModelResult {
  readonly lists: RecLists;
}

export interface EvaluateResult {
  readonly workspace: Workspace;
  readonly label: string;
  readonly cases: EvalCases;
  readonly runs: ModelRun[];
}

/**
 * Scores catalogue models on the test split or a validation fold, each with its chosen config
 * (see chooseConfig). Trained models are scored on the test split only: they were trained on
 * the whole training split, which contains every validation fold.
 */
export async function evaluateModels(o: EvaluateOptions): Promise<EvaluateResult> {
  if (o.configFile && o.models.length !== 1) throw new RangeError('a config file goes with exactly one model');
  const split = o.split ?? 'test';
  const ws = o.workspace ?? (await openWorkspace(o.dataset, o.models, { embeddings: o.embeddings }));
  const { train, cases, label } = casesFor(ws.protocol, split);
  const runs: ModelRun[] = [];
  for (const model of o.models) {
    const entry = modelEntry(model);
    if (split !== 'test' && entry.needs.includes('weights')) {
      throw new RangeError(`${model} uses a model trained on the whole training split, which contains the validation folds: evaluate it on the test split`);
    }
    const chosen = await chooseConfig(o.dataset, model, o.configFile);
    const r = runModel(ws.protocol, model, chosen.config, contextOn(ws, train), cases, o.onProgress ? (d, t) => o.onProgress!(model, d, t) : undefined);
    runs.push({
      model,
      config: chosen.config as Record<string, unknown>,
      configSource: chosen.source,
      sessions: r.sessions,
      metrics: r.metrics,
      // A trained model's fit is its training (from its log); loading it is part of scoring.
      fitSeconds: chosen.trainLog ? chosen.trainLog.trainSeconds : r.fitSeconds,
      predictSeconds: chosen.trainLog ? r.fitSeconds + r.predictSeconds : r.predictSeconds,
      ...(chosen.validation ? { validation: { 'NDCG@20': chosen.validation['NDCG@20'] } } : {}),
      lists: r.lists,
    });
  }
  return { workspace: ws, label, cases, runs };
}

/** The JSON `evaluate --json` writes (a stable public shape). */
export function evaluateJson(run: ModelRun, split: SplitChoice): { sessions: number; metrics: MetricValues; model: string; config: object; split: SplitChoice } {
  return { sessions: run.sessions, metrics: run.metrics, model: run.model, config: run.config, split };
}
