import { z } from 'zod';
import { parseJsonText } from '../json.js';
import { sha256Hex } from './sha256.js';

/**
 * The artifact manifest: the one typed description of the files a dataset ships under
 * `public/models/<dataset>/` (catalog, item embeddings, evaluation report). Node writes it;
 * Node and the browser validate it on load, and every file is checked against it (size,
 * sha256, shape) before use.
 */

export const MANIFEST_FORMAT = 'llmseqrec-manifest';
export const MANIFEST_VERSION = 1;

const sha256 = z.string().regex(/^[0-9a-f]{64}$/, 'must be a lowercase hex sha256');
const relFile = z
  .string()
  .min(1)
  .refine((f) => !f.includes('..') && !f.startsWith('/'), 'must be a relative path inside the dataset folder');

export const FileRef = z.object({
  file: relFile,
  bytes: z.number().int().nonnegative(),
  sha256,
});
export type FileRef = z.infer<typeof FileRef>;

export const EmbeddingDtype = z.enum(['float32', 'float16', 'int8']);
export type EmbeddingDtype = z.infer<typeof EmbeddingDtype>;

export const EmbeddingsEntry = FileRef.extend({
  /** Short name used to pick the embeddings (e.g. "potion-base-4M-int8"). */
  name: z.string().min(1),
  provider: z.enum(['transformers.js', 'openai-compatible']),
  /** Model id or folder the vectors came from. */
  model: z.string().min(1),
  /**
   * float32/float16: count*dim little-endian values, row-major. int8: count*dim int8 values,
   * zero-padded to a multiple of 4 bytes, then count float32 per-row scales (value = q*scale).
   */
  dtype: EmbeddingDtype,
  count: z.number().int().positive(),
  dim: z.number().int().positive(),
  pooling: z.string(),
  normalized: z.boolean(),
  /** Item ids whose title was empty: their vector is the normalised mean of all other items'. */
  emptyTitleItemIds: z.array(z.number().int()),
  /** Vectors reduced from another entry (`cli reduce`): from which, how, and the variance the codes do not explain. */
  reduction: z
    .object({ from: z.string().min(1), method: z.literal('autoencoder'), dims: z.number().int().positive(), unexplained: z.number().min(0) })
    .optional(),
});
export type EmbeddingsEntry = z.infer<typeof EmbeddingsEntry>;

export const CatalogEntry = FileRef.extend({ count: z.number().int().positive() });

/** The temporal split in binary (see sessions.ts): train sessions for session-based models, test cases to explore. */
export const SessionsEntry = FileRef.extend({
  trainSessions: z.number().int().nonnegative(),
  trainInteractions: z.number().int().nonnegative(),
  testCases: z.number().int().nonnegative(),
  testPromptItems: z.number().int().nonnegative(),
  /** Layout 2 (sessions.ts): the item arrays' type, and the item -> sessions index's (null: not in the file). Absent: layout 1. */
  encoding: z
    .object({ items: z.enum(['uint16', 'int32']), byItem: z.enum(['uint16', 'int32']).nullable() })
    .strict()
    .optional(),
});
export type SessionsEntry = z.infer<typeof SessionsEntry>;

/**
 * A trained sequential model (BERT4Rec, SASRec, GRU4Rec, or an LLM-initialised twin): its
 * `model.json` (config + tfjs weightsManifest) and `weights.bin`, in a folder named after it.
 */
export const SeqModelEntry = z.object({
  /** Folder and id, e.g. "llm2bert4rec". */
  name: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'must be lowercase letters, digits and dashes'),
  /** Display name, e.g. "LLM2BERT4Rec". */
  label: z.string().min(1),
  arch: z.enum(['bert4rec', 'sasrec', 'gru4rec']),
  /** How the item table started: random, or from the named embeddings (reduced by PCA / random projection). */
  itemInit: z.enum(['random', 'pca', 'random-projection', 'autoencoder']),
  /** Embeddings the item table started from, if any. */
  embeddings: z.string().optional(),
  /** The catalog size the model scores (must equal the catalog's). */
  nItems: z.number().int().positive(),
  weightsDtype: z.enum(['float32', 'float16', 'uint8']),
  model: FileRef,
  weights: FileRef,
  /** Training log: config, per-epoch loss and validation NDCG@20, times, test metrics. */
  trainLog: FileRef.optional(),
});
export type SeqModelEntry = z.infer<typeof SeqModelEntry>;

/**
 * The local LLMSeqPrompt language model (a small causal transformer trained from scratch on
 * the prompt-completion pairs, src/neural/lm.ts): `model.json` (config, vocabulary, tfjs
 * weightsManifest) and `weights.bin` (weights + the catalog's title tokens).
 */
export const PromptModelEntry = z.object({
  /** Folder and id, e.g. "llmseqprompt". */
  name: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'must be lowercase letters, digits and dashes'),
  label: z.string().min(1),
  /** The extension's variant the model was trained on (the local model: genitem, the RecSys'23 pairs). */
  variant: z.enum(['genitem', 'genlist', 'classify', 'rank']),
  /** Embeddings that map generated names to items (nearest by dot product). */
  embeddings: z.string(),
  /** The tokenizer whose tokens the vocabulary holds (a model folder under public/models/). */
  tokenizer: z.string(),
  nItems: z.number().int().positive(),
  weightsDtype: z.enum(['float32', 'float16', 'uint8']),
  model: FileRef,
  weights: FileRef,
  trainLog: FileRef.optional(),
});
export type PromptModelEntry = z.infer<typeof PromptModelEntry>;

export const Manifest = z.object({
  format: z.literal(MANIFEST_FORMAT),
  version: z.literal(MANIFEST_VERSION),
  dataset: z.string().min(1),
  createdAt: z.string(),
  catalog: CatalogEntry,
  sessions: SessionsEntry.optional(),
  embeddings: z.array(EmbeddingsEntry),
  evaluation: FileRef.optional(),
  sequentialModels: z.array(SeqModelEntry).optional(),
  promptModels: z.array(PromptModelEntry).optional(),
});
export type Manifest = z.infer<typeof Manifest>;

/** A model with trained files: a sequential model or a prompt (language) model. */
export type TrainedEntry = SeqModelEntry | PromptModelEntry;

/** The catalog file: dataset item ids and titles, in dense index order. */
export const CatalogFile = z
  .object({
    dataset: z.string(),
    ids: z.array(z.number().int()),
    titles: z.array(z.string()),
  })
  .refine((c) => c.ids.length === c.titles.length, 'ids and titles must have the same length');
export type CatalogFile = z.infer<typeof CatalogFile>;

/** Kept for existing imports: the one JSON reader is parseJsonText in core/json.ts. */
export const parseJsonFile = parseJsonText;

export function parseManifest(text: string, file = 'manifest.json'): Manifest {
  return parseJsonText(text, file, Manifest);
}

/** The manifest with its lists unchecked, entry by entry (see parseManifestEntries). */
const ManifestShell = Manifest.extend({ embeddings: z.array(z.unknown()), sequentialModels: z.array(z.unknown()).optional() });

/**
 * For serving: the manifest's own fields must be valid, but a malformed entry of a list
 * (embeddings, trained models) disables only what it describes: it is dropped and named.
 */
export function parseManifestEntries(text: string, file = 'manifest.json'): { manifest: Manifest; problems: { file: string; message: string }[] } {
  const shell = parseJsonText(text, file, ManifestShell);
  const problems: { file: string; message: string }[] = [];
  const keep = <T>(list: readonly unknown[], schema: z.ZodType<T>, what: string): T[] =>
    list.flatMap((raw, i) => {
      const r = schema.safeParse(raw);
      if (r.success) return [r.data];
      const name = typeof raw === 'object' && raw !== null && 'name' in raw ? ` "${String((raw as { name: unknown }).name)}"` : '';
      const why = r.error.issues.slice(0, 3).map((x) => `${x.path.join('.') || '(root)'}: ${x.message}`).join('; ');
      problems.push({ file, message: `${file}: ${what}[${i}]${name} is malformed and was left out (${why})` });
      return [];
    });
  const { embeddings, sequentialModels, ...own } = shell;
  const manifest: Manifest = {
    ...own,
    embeddings: keep(embeddings, EmbeddingsEntry, 'embeddings'),
    ...(sequentialModels ? { sequentialModels: keep(sequentialModels, SeqModelEntry, 'sequentialModels') } : {}),
  };
  return { manifest, problems };
}

export { sha256Hex };
// The checks that need no schema code live in file-checks.ts (the worker's entry loads them without zod).
export { parseCatalogFile, trainedEntries, verifyFile } from './file-checks.js';

