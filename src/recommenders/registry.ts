import { z } from 'zod';
import { DECAYS } from '../core/session/decay.js';
import { fitLlmSeqSim, LLMSEQSIM_DEFAULTS, type LlmSeqSimConfig } from './llmseqsim.js';
import { fitMostPopular, MOST_POPULAR_DEFAULTS, type MostPopularConfig } from './popularity.js';
import { fitSknn, SKNN_DEFAULTS, type SknnConfig, type SknnVariant } from './sknn.js';
import { tunedEmbeddingsName } from './tuned-embeddings.js';
import type { Recommender, TrainingData } from './types.js';

/**
 * Model name -> config schema, defaults and constructor (as transformers.js maps a task to a
 * class). A config file holds a partial config; it is merged over the defaults and validated
 * (unknown keys are errors, so a typo never silently falls back to a default).
 */

const decay = z.enum(DECAYS);

const mostPopularSchema = z.object({ filterPromptItems: z.boolean() }).strict();

const sknnSchema = z
  .object({
    k: z.number().int().positive(),
    sampleSize: z.number().int().positive(),
    sampling: z.enum(['random', 'recent']),
    similarity: z.enum(['cosine', 'dot']),
    idfWeighting: z.boolean(),
    decay,
    sequentialWeighting: z.boolean(),
    sequentialFilter: z.boolean(),
    lastNItems: z.number().int().positive().nullable(),
    filterPromptItems: z.boolean(),
    seed: z.number().int(),
    embeddingSimilarity: z
      .object({
        promptAggregation: z.enum(['mean', 'last']),
        trainingAggregation: z.enum(['mean', 'last']),
        trainingDecay: decay,
      })
      .strict()
      .nullable(),
  })
  .strict()
  .refine((c) => c.sampleSize >= c.k, { message: 'sampleSize must be >= k', path: ['sampleSize'] });

const reduction = z.discriminatedUnion('method', [
  z.object({ method: z.literal('none') }).strict(),
  z.object({ method: z.literal('pca'), dims: z.number().int().positive() }).strict(),
  z.object({ method: z.literal('random'), dims: z.number().int().positive(), seed: z.number().int() }).strict(),
]);

const llmSeqSimSchema = z
  .object({
    aggregation: z.enum(['mean', 'last']),
    decay,
    similarity: z.enum(['cosine', 'dot', 'euclidean']),
    reduction,
    filterPromptItems: z.boolean(),
  })
  .strict();

interface ModelSpec<C extends object> {
  readonly defaults: C;
  readonly schema: z.ZodType<C>;
  readonly needsEmbeddings: boolean;
  /** The manifest name of the embeddings the model needs for a dataset (default: the run's embeddings). */
  readonly embeddingsFor?: (dataset: string) => string;
  readonly description: string;
  fit(data: TrainingData, config: C): Recommender;
}

function sknnSpec(variant: SknnVariant, description: string): ModelSpec<SknnConfig> {
  return {
    defaults: SKNN_DEFAULTS[variant],
    schema: sknnSchema as z.ZodType<SknnConfig>,
    needsEmbeddings: variant === 'sknn-emb',
    description,
    fit: (data, config) => fitSknn(data, variant, config),
  };
}

export const MODELS = {
  mostpopular: {
    defaults: MOST_POPULAR_DEFAULTS,
    schema: mostPopularSchema as z.ZodType<MostPopularConfig>,
    needsEmbeddings: false,
    description: 'the most interacted-with training items',
    fit: (data: TrainingData, config: MostPopularConfig) => fitMostPopular(data, config),
  } satisfies ModelSpec<MostPopularConfig>,
  sknn: sknnSpec('sknn', 'session-based kNN'),
  'v-sknn': sknnSpec('v-sknn', 'SKNN with decay-weighted prompt positions (paper Beauty config)'),
  's-sknn': sknnSpec('s-sknn', 'SKNN with sequential neighbour weighting'),
  'sf-sknn': sknnSpec('sf-sknn', 'SKNN with sequential filtering of candidates'),
  'sknn-emb': sknnSpec('sknn-emb', 'SKNN whose session similarity compares session embeddings (SKNNEmb)'),
  llmseqsim: {
    defaults: LLMSEQSIM_DEFAULTS,
    schema: llmSeqSimSchema as z.ZodType<LlmSeqSimConfig>,
    needsEmbeddings: true,
    description: 'nearest catalog items to the session embedding (no training)',
    fit: (data: TrainingData, config: LlmSeqSimConfig) => fitLlmSeqSim(data, config),
  } satisfies ModelSpec<LlmSeqSimConfig>,
  'llmseqsim-ft': {
    // The objective of `train --model llmseqsim-ft` trains the last item's vector against the next item's.
    defaults: { ...LLMSEQSIM_DEFAULTS, aggregation: 'last', similarity: 'dot' },
    schema: llmSeqSimSchema as z.ZodType<LlmSeqSimConfig>,
    needsEmbeddings: true,
    embeddingsFor: tunedEmbeddingsName,
    description: 'LLMSeqSim over the embedder fine-tuned on the training sessions (`train --model llmseqsim-ft`)',
    fit: (data: TrainingData, config: LlmSeqSimConfig) => ({ ...fitLlmSeqSim(data, config), name: 'llmseqsim-ft' }),
  } satisfies ModelSpec<LlmSeqSimConfig>,
} as const;

export type ModelName = keyof typeof MODELS;
export const MODEL_NAMES = Object.keys(MODELS) as ModelName[];

export function isModelName(x: string): x is ModelName {
  return Object.prototype.hasOwnProperty.call(MODELS, x);
}

/** Merges a partial config over the model's defaults and validates it; `source` names the origin in errors. */
export function resolveConfig(name: ModelName, partial: unknown, source: string): object {
  const spec: ModelSpec<object> = MODELS[name] as unknown as ModelSpec<object>;
  if (partial !== undefined && (typeof partial !== 'object' || partial === null || Array.isArray(partial))) {
    throw new Error(`${source}: the ${name} config must be a JSON object`);
  }
  const merged = { ...spec.defaults, ...(partial as object | undefined) };
  const r = spec.schema.safeParse(merged);
  if (!r.success) {
    const msg = r.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
    throw new Error(`${source}: invalid ${name} config: ${msg}`);
  }
  return r.data;
}

export function needsEmbeddings(name: ModelName): boolean {
  return MODELS[name].needsEmbeddings;
}

/** The embeddings a model must score with on `dataset`, when it names its own (else undefined: the run's). */
export function embeddingsNameFor(name: ModelName, dataset: string): string | undefined {
  return (MODELS[name] as ModelSpec<object>).embeddingsFor?.(dataset);
}

/** Builds a model from validated config (see resolveConfig). */
export function fitModel(name: ModelName, data: TrainingData, config: object): Recommender {
  const spec: ModelSpec<object> = MODELS[name] as unknown as ModelSpec<object>;
  return spec.fit(data, config);
}
