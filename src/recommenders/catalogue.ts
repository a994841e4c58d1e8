import { z } from 'zod';
import type { TrainedFiles } from '../core/artifacts/loader.js';
import { InputError } from '../core/errors.js';
import { DECAYS } from '../core/session/decay.js';
import { deserializeModel } from '../neural/io.js';
import { deserializeLm } from '../neural/lm-io.js';
import { llmSeqPromptRecommender } from '../neural/lm-recommender.js';
import { LLMSEQPROMPT_DEFAULTS, LlmSeqPromptConfig } from '../neural/lm-train.js';
import { SEQ_PRESETS, SeqTrainConfig } from '../neural/presets.js';
import { seqRecommender } from '../neural/recommender.js';
import { embeddingEnsemble, llmSeqSimPopularity, llmSeqSimSequential, sessionPopularity } from './hybrids.js';
import { fitLlmSeqSim, LLMSEQSIM_DEFAULTS, LlmSeqSimConfig } from './llmseqsim.js';
import { fitMostPopular, MOST_POPULAR_DEFAULTS, MostPopularConfig } from './popularity.js';
import { fitSknn, SKNN_DEFAULTS, SknnConfig, type SknnVariant } from './sknn.js';
import { tunedEmbeddingsName } from './tuned-embeddings.js';
import type { Recommender, TrainingData } from './types.js';

/**
 * The one catalogue of models (as transformers.js maps a task to its pipeline and RecBole a
 * name to its model class): every model the CLI, the bench, the app's worker and the library
 * know is an entry here, with its zod config schema (the config type is inferred from it),
 * defaults, what it needs, how it is tuned, and `build(context, config) -> Recommender` (fit
 * for session models, load for trained ones, compose for hybrids). No other list of model
 * names exists.
 */

/** What a model needs to be built: training sessions, item embeddings, trained weights, a tfjs backend. */
export type Need = 'sessions' | 'embeddings' | 'weights' | 'backend';
export type Family = 'session' | 'sequential' | 'generative' | 'hybrid';

export interface BuildContext extends TrainingData {
  /** Trained models' files (the manifest's sequential models), by model name. */
  readonly trained?: ReadonlyMap<string, TrainedFiles>;
}

/** How `tune` searches a model. */
export type Tuning =
  /** Partial configs searched on the 3 validation folds; `best` gives another model's best-known config. */
  | { readonly on: 'folds'; grid(best: (model: string) => object | undefined): object[] }
  /** Searched on the inner validation set of the trained model the config names (never seen in its training). */
  | { readonly on: 'inner-validation'; grid(best: (model: string) => object | undefined, trained: readonly string[]): object[] }
  | { readonly on: 'none'; readonly why: string };

export interface ModelEntry<S extends z.ZodType<object> = z.ZodType<object>> {
  readonly name: string;
  readonly label: string;
  readonly family: Family;
  readonly description: string;
  readonly needs: readonly Need[];
  /** Cheap to build: the app builds it before its first recommendation (the others right after). */
  readonly startup: 'first' | 'after';
  readonly schema: S;
  readonly defaults: z.infer<S>;
  readonly tuning: Tuning;
  /** Trained models: the config is the training config (`cli train --config`), fixed once trained. */
  readonly trained?: boolean;
  /** What `cli train --model <name>` trains: the sequential model's weights, a fine-tuned embedder, or the prompt language model. */
  readonly trainer?: 'sequential' | 'embedder' | 'prompt-lm';
  /** The item embeddings the model scores with, by their manifest name (default: the dataset's first). */
  readonly embeddings?: (dataset: string) => string;
  build(ctx: BuildContext, config: z.infer<S>): Recommender;
}

function entry<S extends z.ZodType<object>>(e: ModelEntry<S>): ModelEntry<S> {
  return e;
}

// --- session-based models -------------------------------------------------------------------

function sknnGrid(variant: SknnVariant): () => object[] {
  return () => {
    const out: object[] = [];
    for (const k of [50, 100, 200]) {
      for (const sampleSize of [500, 1000, 2000]) {
        for (const similarity of ['cosine', 'dot']) {
          for (const idfWeighting of [false, true]) {
            out.push({ k, sampleSize, similarity, idfWeighting, ...(variant === 'v-sknn' ? { decay: 'harmonic' } : {}) });
          }
        }
      }
    }
    return out;
  };
}

function sknnEmbGrid(): object[] {
  const out: object[] = [];
  for (const k of [50, 100, 200]) {
    for (const idfWeighting of [false, true]) {
      for (const promptAggregation of ['mean', 'last'] as const) {
        for (const trainingAggregation of ['mean', 'last'] as const) {
          out.push({
            k,
            sampleSize: 1000,
            idfWeighting,
            decay: promptAggregation === 'mean' ? 'harmonic' : 'none',
            embeddingSimilarity: { promptAggregation, trainingAggregation, trainingDecay: 'none' },
          });
        }
      }
    }
  }
  return out;
}

function llmSeqSimGrid(): object[] {
  const out: object[] = [];
  const reductions = [{ method: 'none' }, { method: 'pca', dims: 64 }, { method: 'random', dims: 64, seed: 7 }];
  for (const similarity of ['cosine', 'dot', 'euclidean']) {
    for (const reduction of reductions) {
      out.push({ aggregation: 'last', decay: 'none', similarity, reduction });
      for (const decay of DECAYS) out.push({ aggregation: 'mean', decay, similarity, reduction });
    }
  }
  return out;
}

function sknnEntry(variant: SknnVariant, label: string, description: string, startup: 'first' | 'after') {
  return entry({
    name: variant,
    label,
    family: 'session',
    description,
    needs: variant === 'sknn-emb' ? ['sessions', 'embeddings'] : ['sessions'],
    startup,
    schema: SknnConfig,
    defaults: SKNN_DEFAULTS[variant],
    tuning: { on: 'folds', grid: variant === 'sknn-emb' ? sknnEmbGrid : sknnGrid(variant) },
    build: (ctx, config) => fitSknn(ctx, variant, config),
  });
}

const llmseqsim = entry({
  name: 'llmseqsim',
  label: 'LLMSeqSim',
  family: 'session',
  description: 'nearest catalog items to the session embedding (no training)',
  needs: ['embeddings', 'backend'],
  startup: 'first',
  schema: LlmSeqSimConfig,
  defaults: LLMSEQSIM_DEFAULTS,
  tuning: { on: 'folds', grid: llmSeqSimGrid },
  build: (ctx, config) => fitLlmSeqSim(ctx, config),
});

/** LLMSeqSim over the embedder fine-tuned on the dataset's sessions (src/neural/embedder-ft.ts). */
const llmseqsimFt = entry({
  name: 'llmseqsim-ft',
  label: 'LLMSeqSim-FT',
  family: 'session',
  description: 'LLMSeqSim over the embedder fine-tuned on the training sessions (a text model: embeds any title)',
  needs: ['embeddings', 'backend'],
  startup: 'after',
  schema: LlmSeqSimConfig,
  // The query its contrastive objective trains: the last item's vector, dot product.
  defaults: { ...LLMSEQSIM_DEFAULTS, aggregation: 'last', similarity: 'dot' },
  trainer: 'embedder',
  embeddings: tunedEmbeddingsName,
  tuning: {
    on: 'none',
    why: "its embedder trained on every training session, the folds' validation sessions included: a search there would choose on sessions it learned from; the embedder's settings are chosen on its inner validation set by `train --model llmseqsim-ft`",
  },
  build: (ctx, config) => ({ ...fitLlmSeqSim(ctx, config), name: 'llmseqsim-ft' }),
});

// --- trained sequential models ----------------------------------------------------------------

const SEQUENTIAL = [
  ['bert4rec', 'BERT4Rec', 'bidirectional transformer trained with the cloze task'],
  ['llm2bert4rec', 'LLM2BERT4Rec', 'BERT4Rec whose item table starts from the reduced LLM embeddings'],
  ['sasrec', 'SASRec', 'causal self-attention transformer, next-item loss at every position'],
  ['llm2sasrec', 'LLM2SASRec', 'SASRec whose item table starts from the reduced LLM embeddings'],
  ['gru4rec', 'GRU4Rec', 'gated recurrent network over the session'],
  ['llm2gru4rec', 'LLM2GRU4Rec', 'GRU4Rec whose item table starts from the reduced LLM embeddings'],
] as const satisfies readonly (readonly [keyof typeof SEQ_PRESETS, string, string])[];
export type SequentialName = (typeof SEQUENTIAL)[number][0];
export const SEQUENTIAL_NAMES: readonly SequentialName[] = SEQUENTIAL.map(([n]) => n);

/** Loads a trained model's shipped weights (on the running tfjs backend). */
function buildTrained(ctx: BuildContext, name: string, config: object): Recommender {
  const files = ctx.trained?.get(name);
  if (!files) throw new Error(`${name} is not trained for this dataset (run \`npm run cli -- train --model ${name}\`)`);
  const model = deserializeModel(files.json, files.weights, files.entry.model.file);
  if (model.config.nItems > ctx.nItems) {
    model.dispose();
    throw new InputError(files.entry.model.file, `scores ${model.config.nItems} items, the catalog has ${ctx.nItems}`);
  }
  return seqRecommender(model, name, config);
}

const sequential = SEQUENTIAL.map(([name, label, description]) =>
  entry({
    name,
    label,
    family: 'sequential',
    description,
    needs: ['weights', 'backend'],
    startup: 'after',
    schema: SeqTrainConfig,
    defaults: SEQ_PRESETS[name],
    trained: true,
    trainer: 'sequential' as const,
    tuning: { on: 'none', why: 'a trained model is tuned through its training: `train --config` with early stopping on its inner validation set' },
    build: (ctx, config) => buildTrained(ctx, name, config),
  }),
);

// --- the generative model (LLMSeqPrompt) ------------------------------------------------------

/**
 * LLMSeqPrompt with the local language model (a small causal transformer trained from scratch
 * on the sessions' prompt-completion pairs, not a pretrained LLM). It generates asynchronously:
 * its `recommendAsync` is the one to call (the evaluation and the app do).
 */
const llmseqprompt = entry({
  name: 'llmseqprompt',
  label: 'LLMSeqPrompt',
  family: 'generative',
  description: "a small language model trained from scratch on the sessions writes the next item's name; names become items (exact match, else nearest by embedding)",
  needs: ['weights', 'embeddings', 'backend'],
  startup: 'after',
  schema: LlmSeqPromptConfig,
  defaults: LLMSEQPROMPT_DEFAULTS,
  trained: true,
  trainer: 'prompt-lm',
  tuning: {
    on: 'none',
    why: 'trained by `train --model llmseqprompt` (early stopping on its validation pairs); decoding is chosen on those validation sessions with `prompt-eval --split valid`',
  },
  build: (ctx, config) => {
    const files = ctx.trained?.get('llmseqprompt');
    if (!files) throw new Error('llmseqprompt is not trained for this dataset (run `npm run cli -- train --model llmseqprompt`)');
    if (!ctx.embeddings) throw new Error('llmseqprompt maps names to items through the item embeddings, which are not loaded');
    const lm = deserializeLm(files.json, files.weights, files.entry.model.file);
    const { temperature, topP, n, maxTokens, timeBudgetMs, constrained } = config;
    return llmSeqPromptRecommender(lm, { itemVectors: ctx.embeddings, sampling: { temperature, topP, n, maxTokens, timeBudgetMs, constrained } });
  },
});

// --- hybrids (Boz et al. 2024) ----------------------------------------------------------------

const quantile = z.number().min(0).max(1);

const EmbeddingEnsembleConfig = z
  .object({
    first: LlmSeqSimConfig,
    second: LlmSeqSimConfig,
    rule: z.discriminatedUnion('by', [
      z.object({ by: z.literal('rank'), rank: z.number().int().min(0).max(1000) }).strict(),
      z.object({ by: z.literal('confidence'), confidence: z.number().min(-1).max(1) }).strict(),
    ]),
  })
  .strict();

const LlmSeqSimSequentialConfig = z
  .object({
    llmseqsim: LlmSeqSimConfig,
    sequential: z.enum(SEQUENTIAL_NAMES as [SequentialName, ...SequentialName[]]),
    quantile,
  })
  .strict();

const LlmSeqSimPopularityConfig = z
  .object({ llmseqsim: LlmSeqSimConfig, quantile, candidates: z.number().int().positive().max(10_000) })
  .strict();

/** The LLMSeqSim variants the ensemble pairs with the best one (the paper pairs embedding models; here there is one, so configurations). */
const ENSEMBLE_PARTNERS: readonly LlmSeqSimConfig[] = [
  { ...LLMSEQSIM_DEFAULTS, aggregation: 'mean', decay: 'harmonic', similarity: 'cosine' },
  { ...LLMSEQSIM_DEFAULTS, aggregation: 'last', similarity: 'cosine', reduction: { method: 'pca', dims: 64 } },
  { ...LLMSEQSIM_DEFAULTS, aggregation: 'mean', decay: 'squared_harmonic', similarity: 'cosine', reduction: { method: 'pca', dims: 64 } },
];

function bestLlmSeqSim(best: (model: string) => object | undefined): LlmSeqSimConfig {
  return LlmSeqSimConfig.parse({ ...LLMSEQSIM_DEFAULTS, ...(best('llmseqsim') ?? {}) });
}

const embeddingEnsembleEntry = entry({
  name: 'embedding-ensemble',
  label: 'EmbeddingEnsemble',
  family: 'hybrid',
  description: "two LLMSeqSim variants: model 1's top items (by rank or confidence), then model 2's list",
  needs: ['embeddings', 'backend'],
  startup: 'after',
  schema: EmbeddingEnsembleConfig,
  defaults: { first: { ...LLMSEQSIM_DEFAULTS, aggregation: 'last', similarity: 'cosine' }, second: ENSEMBLE_PARTNERS[0], rule: { by: 'rank', rank: 3 } },
  tuning: {
    on: 'folds',
    grid: (best) => {
      const first = bestLlmSeqSim(best);
      const out: object[] = [];
      for (const second of ENSEMBLE_PARTNERS) {
        // The authors' grids: rank cut-offs and ten confidence thresholds from .80 to .99.
        for (const rank of [0, 1, 2, 3, 4, 5, 10, 20]) out.push({ first, second, rule: { by: 'rank', rank } });
        for (let i = 0; i < 10; i++) out.push({ first, second, rule: { by: 'confidence', confidence: Number((0.8 + (0.19 * i) / 9).toFixed(4)) } });
      }
      return out;
    },
  },
  build: (ctx, c) => embeddingEnsemble('embedding-ensemble', c, fitLlmSeqSim(ctx, c.first), fitLlmSeqSim(ctx, c.second), c.rule),
});

const llmSeqSimSequentialEntry = entry({
  name: 'llmseqsim-sequential',
  label: 'LLMSeqSim&Sequential',
  family: 'hybrid',
  description: "the sequential model's list when the session's last item is popular, else LLMSeqSim's",
  needs: ['sessions', 'embeddings', 'weights', 'backend'],
  startup: 'after',
  schema: LlmSeqSimSequentialConfig,
  defaults: { llmseqsim: { ...LLMSEQSIM_DEFAULTS, aggregation: 'last', similarity: 'dot' }, sequential: 'llm2bert4rec', quantile: 0.25 },
  tuning: {
    on: 'inner-validation',
    grid: (best, trained) => {
      const llm = bestLlmSeqSim(best);
      return trained.flatMap((sequential) => [0.25, 0.5, 0.75].map((q) => ({ llmseqsim: llm, sequential, quantile: q })));
    },
  },
  build: (ctx, c) => {
    const seq = buildTrained(ctx, c.sequential, SEQ_PRESETS[c.sequential]);
    return llmSeqSimSequential('llmseqsim-sequential', c, fitLlmSeqSim(ctx, c.llmseqsim), seq, sessionPopularity(ctx.train, ctx.nItems), c.quantile);
  },
});

const llmSeqSimPopularityEntry = entry({
  name: 'llmseqsim-popularity',
  label: 'LLMSeqSim&Popularity',
  family: 'hybrid',
  description: "LLMSeqSim's top 100 without its unpopular items while more than k remain",
  needs: ['sessions', 'embeddings', 'backend'],
  startup: 'after',
  schema: LlmSeqSimPopularityConfig,
  defaults: { llmseqsim: { ...LLMSEQSIM_DEFAULTS, aggregation: 'last', similarity: 'dot' }, quantile: 0.5, candidates: 100 },
  tuning: { on: 'folds', grid: (best) => [0.25, 0.5, 0.75].map((q) => ({ llmseqsim: bestLlmSeqSim(best), quantile: q, candidates: 100 })) },
  build: (ctx, c) => llmSeqSimPopularity('llmseqsim-popularity', c, fitLlmSeqSim(ctx, c.llmseqsim), sessionPopularity(ctx.train, ctx.nItems), c.quantile, c.candidates),
});

/** Every model, in the order tables and the app show them. */
export const CATALOGUE: readonly ModelEntry[] = [
  llmseqsim,
  llmseqsimFt,
  ...sequential,
  llmseqprompt,
  embeddingEnsembleEntry,
  llmSeqSimSequentialEntry,
  llmSeqSimPopularityEntry,
  sknnEntry('v-sknn', 'V-SKNN', 'SKNN with decay-weighted prompt positions (paper Beauty config)', 'first'),
  sknnEntry('sknn-emb', 'SKNN-Emb', 'SKNN whose session similarity compares session embeddings (SKNNEmb)', 'after'),
  sknnEntry('sf-sknn', 'SF-SKNN', 'SKNN with sequential filtering of candidates', 'after'),
  sknnEntry('s-sknn', 'S-SKNN', 'SKNN with sequential neighbour weighting', 'after'),
  sknnEntry('sknn', 'SKNN', 'session-based kNN', 'after'),
  entry({
    name: 'mostpopular',
    label: 'MostPopular',
    family: 'session',
    description: 'the most interacted-with training items',
    needs: ['sessions'],
    startup: 'first',
    schema: MostPopularConfig,
    defaults: MOST_POPULAR_DEFAULTS,
    tuning: { on: 'folds', grid: () => [{}] },
    build: (ctx, config) => fitMostPopular(ctx, config),
  }),
];

export const MODEL_NAMES: readonly string[] = CATALOGUE.map((m) => m.name);

export function findModel(name: string): ModelEntry | undefined {
  return CATALOGUE.find((m) => m.name === name);
}

/** The entry of a model; an unknown name is an error listing the known ones. */
export function modelEntry(name: string): ModelEntry {
  const m = findModel(name);
  if (!m) throw new RangeError(`unknown model "${name}" (models: ${MODEL_NAMES.join(', ')})`);
  return m;
}

/** Merges a partial config over the model's defaults and validates it; `source` names the origin in errors. */
export function resolveConfig(name: string, partial: unknown, source: string): object {
  const m = modelEntry(name);
  if (partial !== undefined && (typeof partial !== 'object' || partial === null || Array.isArray(partial))) {
    throw new InputError(source, `the ${name} config must be a JSON object`);
  }
  const r = m.schema.safeParse({ ...m.defaults, ...(partial as object | undefined) });
  if (!r.success) {
    throw new InputError(source, `invalid ${name} config: ${r.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`);
  }
  return r.data;
}

/** Builds a model from a validated config (see resolveConfig). */
export function buildModel(name: string, ctx: BuildContext, config: object): Recommender {
  return modelEntry(name).build(ctx, config);
}

export function needs(name: string, need: Need): boolean {
  return modelEntry(name).needs.includes(need);
}
