import { z } from 'zod';

/**
 * The evaluation report (`public/models/<dataset>/eval.json`): every model's metrics on the
 * test split with the exact configuration that produced them (RecBole-style: each number can
 * be reproduced from the config next to it). The app reads it for its Evaluation view.
 */
export const ModelResult = z.object({
  model: z.string(),
  config: z.record(z.string(), z.unknown()),
  /** Where the config came from, e.g. "configs/beauty.json (mean NDCG@20 over 3 validation folds)". */
  configSource: z.string(),
  sessions: z.number().int().nonnegative(),
  metrics: z.record(z.string(), z.number()),
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
  results: z.array(ModelResult),
});
export type EvalReport = z.infer<typeof EvalReport>;
