import type { ModelResult } from '../../core/artifacts/report.js';
import type { SessionMatrix } from '../../core/metrics/bootstrap.js';
import { type UncertaintyResult, uncertaintyFor } from '../uncertainty-report.js';
import type { EvalCases } from '../../core/dataset/types.js';
import type { RecLists } from '../../core/metrics/metrics.js';
import { runModelAsync } from '../../evaluation/protocol.js';
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
  /** A model every other one is compared with (paired test); evaluated too if not in `models`. */
  readonly baseline?: string;
  /** An opened workspace to reuse (tests, bench). */
  readonly workspace?: Workspace;
}

export interface ModelRun extends ModelResult {
  readonly lists: RecLists;
  /** Per-session metric values (for confidence intervals and paired tests). */
  readonly scores: SessionMatrix;
}

export interface EvaluateResult {
  readonly workspace: Workspace;
  readonly label: string;
  readonly cases: EvalCases;
  readonly runs: ModelRun[];
  /** 95% bootstrap intervals of every run and, with a baseline, the paired tests against it. */
  readonly uncertainty: UncertaintyResult;
}

/**
 * Scores catalogue models on the test split or a validation fold, each with its chosen config
 * (see chooseConfig). Trained models are scored on the test split only: they were trained on
 * the whole training split, which contains every validation fold.
 */
export async function evaluateModels(o: EvaluateOptions): Promise<EvaluateResult> {
  if (o.configFile && o.models.length !== 1) throw new RangeError('a config file goes with exactly one model');
  const split = o.split ?? 'test';
  const models = o.baseline && !o.models.includes(o.baseline) ? [...o.models, o.baseline] : o.models;
  const ws = o.workspace ?? (await openWorkspace(o.dataset, models, { embeddings: o.embeddings }));
  const { train, cases, label } = casesFor(ws.protocol, split);
  const runs: ModelRun[] = [];
  for (const model of models) {
    const entry = modelEntry(model);
    if (split !== 'test' && split !== 'cold' && entry.needs.includes('weights')) {
      throw new RangeError(`${model} uses a model trained on the whole training split, which contains the validation folds: evaluate it on the test split`);
    }
    const chosen = await chooseConfig(o.dataset, model, model === o.models[0] ? o.configFile : undefined);
    const r = await runModelAsync(ws.protocol, model, chosen.config, contextOn(ws, train, model), cases, o.onProgress ? (d, t) => o.onProgress!(model, d, t) : undefined);
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
      scores: r.scores,
    });
  }
  return { workspace: ws, label, cases, runs, uncertainty: uncertaintyFor(runs, o.baseline) };
}

/**
 * The JSON `evaluate --json` writes (a stable public shape): the first model's sessions, metrics,
 * "ci" beside "metrics", and with a baseline the baseline's run and the paired comparison.
 */
export function evaluateJson(r: EvaluateResult, split: SplitChoice, baseline?: string): object {
  const row = (run: ModelRun) => ({ sessions: run.sessions, metrics: run.metrics, model: run.model, config: run.config, split, ci: r.uncertainty.ci[run.model] });
  const first = r.runs[0];
  const base = baseline ? r.runs.find((x) => x.model === baseline) : undefined;
  const cmp = r.uncertainty.vsBaseline?.[first.model];
  return { ...row(first), ...(base && cmp ? { baseline: { ...row(base), comparison: cmp, method: r.uncertainty.method } } : {}) };
}
