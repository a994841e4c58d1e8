import { chainFolds, describeSplitRule, type Fold, type SplitRule, splitRuleFor, temporalSplit, type TemporalSplit } from '../core/dataset/split.js';
import type { Dataset, EvalCases } from '../core/dataset/types.js';
import { evaluateAt, type MetricValues, popularityStats, type PopularityStats, type RecLists } from '../core/metrics/metrics.js';
import type { DotKernelFactory } from '../core/vectors/matrix.js';
import { type BuildContext, buildModel } from '../recommenders/catalogue.js';
import { recommendAll, recommendAllAsync, type Recommender } from '../recommenders/types.js';
import type { SessionMatrix } from '../core/metrics/bootstrap.js';
import { sessionScores } from './uncertainty.js';

/** The paper's evaluation setting for one dataset: split, folds and whole-dataset popularity. */
export interface Protocol {
  readonly dataset: Dataset;
  readonly split: TemporalSplit;
  /** Temporal, or a seeded random split for a dataset without timestamps. */
  readonly splitRule: SplitRule;
  /** One sentence saying how the test split was chosen. */
  readonly splitDescription: string;
  readonly folds: readonly Fold[];
  readonly popularity: PopularityStats;
  readonly cutoffs: readonly number[];
  /** Scoring kernel for embedding models (default: pure JS). */
  readonly dotKernel?: DotKernelFactory;
}

export const TEST_FRACTION = 0.2;
export const N_FOLDS = 3;
export const CUTOFFS = [10, 20] as const;

/** `splitSeed`: the seed of the random split of a dataset without timestamps (default RANDOM_SPLIT_SEED). */
export function makeProtocol(dataset: Dataset, options: { dotKernel?: DotKernelFactory; splitSeed?: number } = {}): Protocol {
  const nItems = dataset.catalog.ids.length;
  const splitRule = splitRuleFor(dataset.order, options.splitSeed);
  const split = temporalSplit(dataset.sessions, nItems, TEST_FRACTION, splitRule);
  return {
    dataset,
    split,
    splitRule,
    splitDescription: describeSplitRule(splitRule, TEST_FRACTION),
    folds: chainFolds(split.train, nItems, N_FOLDS, splitRule),
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
  const b = built(name, ctx, config);
  const lists = b.use((model) => recommendAll(model, cases, maxK(p), progressOf(cases, onProgress)));
  return resultOf(p, cases, lists, b.t0, b.t1, performance.now());
}

/** runModel for every model, the asynchronous (generative) ones included. */
export async function runModelAsync(
  p: Protocol,
  name: string,
  config: object,
  ctx: BuildContext,
  cases: EvalCases,
  onProgress?: (done: number, total: number) => void,
): Promise<RunResult> {
  const b = built(name, ctx, config);
  const lists = await b.use((model) => recommendAllAsync(model, cases, maxK(p), progressOf(cases, onProgress)));
  return resultOf(p, cases, lists, b.t0, b.t1, performance.now());
}

const maxK = (p: Protocol) => Math.max(...p.cutoffs);
const progressOf = (cases: EvalCases, onProgress?: (done: number, total: number) => void) => (onProgress ? (d: number) => onProgress(d, cases.targets.length) : undefined);

/** A built model with its build time, used once and then disposed (also when scoring throws). */
function built(name: string, ctx: BuildContext, config: object) {
  const t0 = performance.now();
  const model = buildModel(name, ctx, config);
  const t1 = performance.now();
  function use<T>(f: (m: Recommender) => T): T {
    let disposeNow = true;
    try {
      const r = f(model);
      if (r instanceof Promise) {
        disposeNow = false;
        return r.finally(() => model.dispose?.()) as T;
      }
      return r;
    } finally {
      if (disposeNow) model.dispose?.();
    }
  }
  return { t0, t1, use };
}

function resultOf(p: Protocol, cases: EvalCases, lists: RecLists, t0: number, t1: number, t2: number): RunResult {
  return {
    sessions: cases.targets.length,
    lists,
    metrics: scoreLists(p, lists, cases.targets),
    scores: sessionScores(p, lists, cases.targets),
    fitSeconds: (t1 - t0) / 1000,
    predictSeconds: (t2 - t1) / 1000,
  };
}
