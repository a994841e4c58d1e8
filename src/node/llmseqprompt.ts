import { existsSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { PromptModelEntry } from '../core/artifacts/manifest.js';
import type { Catalog, EvalCases } from '../core/dataset/types.js';
import { InputError } from '../core/errors.js';
import type { MetricValues } from '../core/metrics/metrics.js';
import { promptSplit } from '../core/prompt/format.js';
import { buildItemTokens, type ItemTokens, type LmVocab, N_SPECIAL } from '../core/prompt/lm-tokens.js';
import type { NameTable } from '../core/prompt/name-vectors.js';
import { loadTransformersEmbedder } from '../embedders/transformers.js';
import type { Protocol } from '../evaluation/protocol.js';
import { scoreLists } from '../evaluation/protocol.js';
import type { WeightsPrecision } from '../neural/io.js';
import { LmModel } from '../neural/lm.js';
import { deserializeLm, type LoadedLm, serializeLm } from '../neural/lm-io.js';
import { type GenerationStats, type LlmSeqPromptDeps, llmSeqPromptRecommender, type LlmSeqPromptRecommender } from '../neural/lm-recommender.js';
import { examplesOf, type LlmSeqPromptConfig, type LmTrainHooks, type LmTrainResult, trainLm } from '../neural/lm-train.js';
import { loadEmbeddings, readManifest, readVerified, writeArtifact, writeCatalogArtifacts, writeManifest } from './artifacts.js';
import { MODELS_DIR, ROOT } from './paths.js';
import { readStaticModel } from './static-model.js';

/** The bundled tokenizer (potion-base-4M's WordPiece) whose tokens the local model writes. */
export const LM_TOKENIZER = 'potion-base-4M-int8';

/**
 * Every title's tokenizer ids (no special tokens) through transformers.js's AutoTokenizer,
 * read from the bundled model folder (offline), and the restricted vocabulary.
 */
export async function catalogTokens(titles: readonly string[], titleTokens: number, tokenizer = LM_TOKENIZER): Promise<{ vocab: LmVocab; items: ItemTokens }> {
  const { AutoTokenizer, env } = await import('@huggingface/transformers');
  env.allowRemoteModels = false;
  env.allowLocalModels = true;
  env.localModelPath = `${MODELS_DIR}/`;
  const tok = await AutoTokenizer.from_pretrained(tokenizer);
  const file = join(MODELS_DIR, tokenizer, 'tokenizer.json');
  const vocabMap = (JSON.parse(readFileSync(file, 'utf8')) as { model: { vocab: Record<string, number> } }).model.vocab;
  const pieces: string[] = [];
  for (const [piece, id] of Object.entries(vocabMap)) pieces[id] = piece;
  const ids = titles.map((t) => tok.encode(t, { add_special_tokens: false }) as number[]);
  return buildItemTokens(ids, (id) => pieces[id] ?? '[UNK]', titleTokens);
}

/**
 * The bundled static embedder's row of every model token (zero rows for the special tokens):
 * stored with the model so names are embedded without the tokenizer or ONNX (name-vectors.ts).
 */
export function nameTable(vocab: LmVocab, tokenizer = LM_TOKENIZER): NameTable {
  const dir = join(MODELS_DIR, tokenizer);
  const potion = readStaticModel(dir);
  const ids = (JSON.parse(readFileSync(join(dir, 'tokenizer.json'), 'utf8')) as { model: { vocab: Record<string, number> } }).model.vocab;
  const table = new Float32Array((vocab.pieces.length + N_SPECIAL) * potion.dim);
  vocab.pieces.forEach((piece, j) => {
    const id = ids[piece];
    if (id === undefined) throw new InputError(join(tokenizer, 'tokenizer.json'), `has no token "${piece}" that the model writes`);
    table.set(potion.table.subarray(id * potion.dim, (id + 1) * potion.dim), (j + N_SPECIAL) * potion.dim);
  });
  return { table, dim: potion.dim };
}

/** The name embedder for hallucinated names: the bundled potion-base-4M model, as `embed` used. */
export async function localNameEmbedder(model = LM_TOKENIZER): Promise<NonNullable<LlmSeqPromptDeps['embed']>> {
  const e = await loadTransformersEmbedder({ model, localModelPath: `${MODELS_DIR}/` });
  return (texts) => e.embed(texts);
}

export interface TrainedLm {
  readonly model: LmModel;
  readonly vocab: LmVocab;
  readonly items: ItemTokens;
  readonly result: LmTrainResult;
  readonly examples: { train: number; valid: number };
}

/** Trains the local model on the training split's prompt-completion pairs (the prompt-data split). */
export async function fitLlmSeqPrompt(p: Protocol, cfg: LlmSeqPromptConfig, hooks: LmTrainHooks = {}, warmStart?: LoadedLm): Promise<TrainedLm> {
  const { vocab, items } = await catalogTokens(p.dataset.catalog.titles, cfg.titleTokens);
  const split = promptSplit(p.split.train, cfg.seed);
  const train = examplesOf(split.train, items, cfg.promptItems);
  const valid = examplesOf(split.valid, items, cfg.promptItems);
  const maxLen = Math.max(...train.map((e) => e.tokens.length), ...valid.map((e) => e.tokens.length));
  const config = { vocab: vocab.pieces.length + 4, maxLen, dim: cfg.dim, layers: cfg.layers, heads: cfg.heads, dropout: cfg.dropout, seed: cfg.seed };
  if (warmStart && (JSON.stringify(warmStart.model.config) !== JSON.stringify(config) || warmStart.vocab.pieces.join('\n') !== vocab.pieces.join('\n'))) {
    throw new Error('--resume: the shipped model has another architecture or vocabulary than this config; train without --resume');
  }
  // A warm start continues from the shipped weights (a fresh optimizer state).
  const model = new LmModel(config, warmStart ? warmStart.model.vars : undefined);
  warmStart?.model.dispose();
  const result = await trainLm(model, train, valid, cfg, hooks);
  return { model, vocab, items, result, examples: { train: train.length, valid: valid.length } };
}

/** Loads a shipped local LLMSeqPrompt model and wires it to the item embeddings and the name embedder. */
export async function loadLlmSeqPrompt(
  dataset: string,
  entry: PromptModelEntry,
  catalog: Catalog,
  options: { sampling?: LlmSeqPromptDeps['sampling']; embed?: LlmSeqPromptDeps['embed'] } = {},
): Promise<LlmSeqPromptRecommender> {
  if (entry.nItems !== catalog.ids.length) throw new InputError(entry.model.file, `names ${entry.nItems} items, the catalog has ${catalog.ids.length}: retrain it`);
  const lm = deserializeLm(new TextDecoder().decode(await readVerified(dataset, entry.model)), await readVerified(dataset, entry.weights), entry.model.file);
  const emb = await loadEmbeddings(dataset, catalog, entry.embeddings);
  // Names are embedded with the file's name table; a file without one uses the embedding model.
  const embed = options.embed ?? (lm.names ? undefined : await localNameEmbedder(emb.entry.model.split('/').pop() ?? LM_TOKENIZER));
  return llmSeqPromptRecommender(lm, { itemVectors: emb.vectors, ...(embed ? { embed } : {}), ...(options.sampling ? { sampling: options.sampling } : {}) }, entry.name);
}

export async function loadLmFiles(dataset: string, entry: PromptModelEntry): Promise<LoadedLm> {
  return deserializeLm(new TextDecoder().decode(await readVerified(dataset, entry.model)), await readVerified(dataset, entry.weights), entry.model.file);
}

/** Writes the model files and lists the model in the manifest. */
export async function shipLlmSeqPrompt(
  dataset: string,
  catalog: Catalog,
  name: string,
  trained: TrainedLm,
  cfg: LlmSeqPromptConfig,
  precision: WeightsPrecision,
  embeddings: string,
  trainLog: object,
): Promise<{ entry: PromptModelEntry; weightsBytes: number; json: string; weights: Uint8Array }> {
  const { json, weights } = await serializeLm(
    trained.model,
    { train: cfg, vocab: trained.vocab, items: trained.items, tokenizer: LM_TOKENIZER, names: nameTable(trained.vocab) },
    precision,
  );
  const jsonText = `${JSON.stringify(json)}\n`;
  const modelRef = writeArtifact(dataset, `${name}/model.json`, new TextEncoder().encode(jsonText));
  const weightsRef = writeArtifact(dataset, `${name}/weights.bin`, weights);
  const logRef = writeArtifact(dataset, `${name}/train-log.json`, new TextEncoder().encode(`${JSON.stringify(trainLog, null, 2)}\n`));
  const manifest = readManifest(dataset) ?? writeCatalogArtifacts(dataset, catalog);
  const entry: PromptModelEntry = {
    name,
    label: 'LLMSeqPrompt (local, small LM trained from scratch)',
    variant: 'genitem',
    embeddings,
    tokenizer: LM_TOKENIZER,
    nItems: catalog.ids.length,
    weightsDtype: precision,
    model: modelRef,
    weights: weightsRef,
    trainLog: logRef,
  };
  writeManifest({ ...manifest, promptModels: [...(manifest.promptModels ?? []).filter((m) => m.name !== name), entry] });
  return { entry, weightsBytes: weights.byteLength, json: jsonText, weights };
}

/** Updates a shipped model's train-log (e.g. with the test metrics once evaluated). */
export function updateTrainLog(dataset: string, name: string, log: object): void {
  const manifest = readManifest(dataset);
  const entry = manifest?.promptModels?.find((m) => m.name === name);
  if (!manifest || !entry) throw new Error(`no prompt model "${name}" in the ${dataset} manifest`);
  const logRef = writeArtifact(dataset, `${name}/train-log.json`, new TextEncoder().encode(`${JSON.stringify(log, null, 2)}\n`));
  writeManifest({ ...manifest, promptModels: manifest.promptModels!.map((m) => (m.name === name ? { ...m, trainLog: logRef } : m)) });
}

export function readPromptTrainLog(dataset: string, entry: PromptModelEntry): Record<string, unknown> | null {
  if (!entry.trainLog) return null;
  const path = join(MODELS_DIR, dataset, entry.trainLog.file);
  if (!existsSync(path)) return null;
  return JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
}

export interface PromptEvalResult {
  readonly sessions: number;
  readonly metrics: MetricValues;
  readonly seconds: number;
  readonly stats: GenerationStats;
  readonly examples: { session: number; wrote: string; matched: number; how: string }[];
}

/** Scores the recommender on cases with the paper's protocol (scoreLists). */
export async function evaluateLlmSeqPrompt(
  p: Protocol,
  rec: LlmSeqPromptRecommender,
  cases: EvalCases,
  onProgress?: (done: number, total: number, stats: GenerationStats) => void,
): Promise<PromptEvalResult> {
  const t0 = performance.now();
  const k = Math.max(...p.cutoffs);
  const r = await rec.recommendCases(cases, k, (d, s) => onProgress?.(d, cases.targets.length, s));
  const metrics = scoreLists(p, r.lists, cases.targets);
  const examples = r.generated.slice(0, 3).flatMap((g, c) => g.slice(0, 3).map((m) => ({ session: cases.sessionIds[c], wrote: m.text, matched: m.item, how: m.how })));
  return { sessions: cases.targets.length, metrics, seconds: (performance.now() - t0) / 1000, stats: r.stats, examples };
}

export function relToRoot(path: string): string {
  return relative(ROOT, path) || path;
}
