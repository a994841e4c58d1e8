import { chainFolds, type Fold, temporalSplit, type TemporalSplit } from '../core/dataset/split.js';
import type { Dataset, EvalCases } from '../core/dataset/types.js';
import { evaluateAt, type MetricValues, popularityStats, type PopularityStats, type RecLists } from '../core/metrics/metrics.js';
import type { DotKernelFactory } from '../core/vectors/matrix.js';
import { type BuildContext, buildModel } from '../recommenders/catalogue.js';
import { recommendAll } from '../recommenders/types.js';
import type { SessionMatrix } from '../core/metrics/bootstrap.js';
import { sessionScores } from './uncertainty.js';

/** The paper's evaluation setting for one dataset: split, folds and whole-dataset popularity. */
export interface Protocol {
  readonly dataset: Dataset;
  readonly split: TemporalSplit;
  readonly folds: readonly Fold[];
  readonly popularity: PopularityStats;
  readonly cutoffs: readonly number[];
  /** Scoring kernel for embedding models (default: pure JS). */
  readonly dotKernel?: DotKernelFactory;
}

export const TEST_FRACTION = 0.2;
export const N_FOLDS = 3;
export const CUTOFFS = [10, 20] as const;

export function makeProtocol(dataset: Dataset, options: { dotKernel?: DotKernelFactory } = {}): Protocol {
  const nItems = dataset.catalog.ids.length;
  const split = temporalSplit(dataset.sessions, nItems, TEST_FRACTION);
  return {
    dataset,
    split,
    folds: chainFolds(split.train, nItems, N_FOLDS),
    popularity: popularityStats(dataset.sessions.items, nItems),
    cutoffs: CUTOFFS,
    ...(options.dotKernel ? { dotKernel: options.dotKernel } : {}),
  };
}

export interface RunResult {
  readonly sessions: number;
  readonly lists: RecLists;
  readonly metrics: MetricValues;
  /** Per-session values of the per-session metrics (for confidence intervals and paired tests). */
  readonly scores: SessionMatrix;
  readonly fitSeconds: number;
  readonly predictSeconds: number;
}

export function scoreLists(p: Protocol, lists: RecLists, targets: Int32Array): MetricValues {
  return evaluateAt(lists, targets, p.cutoffs, p.popularity);
}

/** Builds a model of the catalogue (fit on `ctx.train`, or loaded) and scores it on `cases` at the protocol's cut-offs. */
export function runModel(
  p: Protocol,
  name: string,
  config: object,
  ctx: BuildContext,
  cases: EvalCases,
  onProgress?: (done: number, total: number) => void,
): RunResult {
  const t0 = performance.now();
  const model = buildModel(name, ctx, config);
  const t1 = performance.now();
  const k = Math.max(...p.cutoffs);
  const total = cases.targets.length;
  let lists: RecLists;
  try {
    lists = recommendAll(model, cases, k, onProgress ? (d) => onProgress(d, total) : undefined);
  } finally {
    model.dispose?.();
  }
  const t2 = performance.now();
  return {
    sessions: total,
    lists,
    metrics: scoreLists(p, lists, cases.targets),
    scores: sessionScores(p, lists, cases.targets),
    fitSeconds: (t1 - t0) / 1000,
    predictSeconds: (t2 - t1) / 1000,
  };
}
