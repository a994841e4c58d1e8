import { z } from 'zod';

/**
 * The evaluation report (`public/models/<dataset>/eval.json`): every model's metrics on the
 * test split with the exact configuration that produced them (RecBole-style: each number can
 * be reproduced from the config next to it). The app reads it for its Evaluation view.
 */
/** A two-sided confidence interval [low, high]. */
export const Interval = z.tuple([z.number(), z.number()]);

/** A model against the report's baseline on one metric (see `uncertainty` for the method). */
export const Comparison = z.object({
  /** mean(model) - mean(baseline). */
  diff: z.number(),
  /** Paired bootstrap interval of the difference. */
  ci: Interval,
  /** Paired randomisation-test p-value, and after Holm's correction over the models compared. */
  p: z.number(),
  pHolm: z.number(),
  significant: z.boolean(),
});
export type Comparison = z.infer<typeof Comparison>;

export const ModelResult = z.object({
  model: z.string(),
  config: z.record(z.string(), z.unknown()),
  /** Where the config came from, e.g. "configs/beauty.json (mean NDCG@20 over 3 validation folds)". */
  configSource: z.string(),
  sessions: z.number().int().nonnegative(),
  metrics: z.record(z.string(), z.number()),
  /** Bootstrap confidence interval per metric, keyed like `metrics` (metrics in `uncertainty.excluded` left out). */
  ci: z.record(z.string(), Interval).optional(),
  /** This model against `uncertainty.baseline`, per metric key. */
  vsBaseline: z.record(z.string(), Comparison).optional(),
  fitSeconds: z.number(),
  predictSeconds: z.number(),
  /** Validation score that selected the config, when it was tuned. */
  validation: z.record(z.string(), z.number()).optional(),
});
export type ModelResult = z.infer<typeof ModelResult>;

export const EvalReport = z.object({
  dataset: z.string(),
  createdAt: z.string(),
  protocol: z.object({
    split: z.string(),
    testFraction: z.number(),
    cutoffs: z.array(z.number().int()),
    embeddings: z.string().optional(),
  }),
  split: z.object({
    sessions: z.number().int(),
    items: z.number().int(),
    interactions: z.number().int(),
    trainSessions: z.number().int(),
    testSessions: z.number().int(),
    testCases: z.number().int(),
  }),
  /** How `ci` and `vsBaseline` were computed. */
  uncertainty: z
    .object({
      ci: z.string(),
      resamples: z.number().int().positive(),
      seed: z.number().int(),
      level: z.number(),
      test: z.string(),
      correction: z.string(),
      /** Metric (key prefix) -> why it has no interval. */
      excluded: z.record(z.string(), z.string()),
      baseline: z.string().optional(),
      /** Seconds the bootstrap and tests took over all models. */
      seconds: z.number().optional(),
    })
    .optional(),
  results: z.array(ModelResult),
  /**
   * The cold-start split: the same test sessions, the cases whose withheld last item never occurs
   * in training (the paper's protocol removes these items). Every model is scored on it.
   */
  coldStart: z
    .object({
      description: z.string(),
      cases: z.number().int().nonnegative(),
      results: z.array(z.object({ model: z.string(), metrics: z.record(z.string(), z.number()), ci: z.record(z.string(), Interval).optional() })),
    })
    .optional(),
  /** In-browser latency per model and backend, copied from the browser benchmark (bench/results/browser.json). */
  latency: z
    .object({
      source: z.string(),
      date: z.string(),
      sessions: z.number().int(),
      backends: z.array(
        z.object({
          backend: z.string(),
          /** Model -> milliseconds per recommendation list (median and 95th percentile). */
          perModel: z.record(z.string(), z.object({ p50: z.number(), p95: z.number() })),
        }),
      ),
    })
    .optional(),
});
export type EvalReport = z.infer<typeof EvalReport>;
