import * as tf from '@tensorflow/tfjs-core';
import { z } from 'zod';
import { parseJsonText } from '../core/json.js';
import { InputError } from '../core/errors.js';
import type { ItemTokens, LmVocab } from '../core/prompt/lm-tokens.js';
import type { NameTable } from '../core/prompt/name-vectors.js';
import { LmModel } from './lm.js';
import { LlmSeqPromptConfig } from './lm-train.js';
import { concatBytes, encodeWeight, expectedBytes, WeightsManifest, type WeightSpec, type WeightsPrecision } from './io.js';

/**
 * The local LLMSeqPrompt model as tfjs artifacts, like the sequential models (io.ts):
 * `model.json` (architecture, training/decoding config, the restricted vocabulary's token
 * strings and a standard tfjs `weightsManifest`) and one `weights.bin`. The catalog's title
 * tokens travel in the same weights file (lengths as uint8, token ids as uint16, tfjs's own
 * quantization formats, exact for these integers), so generating needs no tokenizer at all.
 * An optional `names.table` [vocab, dim] holds the name embedder's row of every model token
 * (src/core/prompt/name-vectors.ts), so mapping needs no embedding model either.
 */
export const LmModelFile = z.object({
  format: z.literal('llmseqrec-lm'),
  version: z.literal(1),
  config: z.object({
    vocab: z.number().int().positive(),
    maxLen: z.number().int().positive(),
    dim: z.number().int().positive(),
    layers: z.number().int().positive(),
    heads: z.number().int().positive(),
    dropout: z.number().min(0).max(1),
    seed: z.number().int(),
  }),
  train: LlmSeqPromptConfig,
  /** Token string of each model id from 4 on (WordPiece pieces of the bundled tokenizer). */
  pieces: z.array(z.string()),
  /** Catalog items the model names (must equal the catalog's size). */
  nItems: z.number().int().positive(),
  /** The tokenizer the pieces come from. */
  tokenizer: z.string(),
  weightsManifest: WeightsManifest,
});
export type LmModelFile = z.infer<typeof LmModelFile>;

export interface LoadedLm {
  readonly model: LmModel;
  readonly train: LlmSeqPromptConfig;
  readonly vocab: LmVocab;
  readonly items: ItemTokens;
  readonly tokenizer: string;
  /** Rows of the name embedder per model token id, when the file carries them. */
  readonly names?: NameTable;
}

export async function serializeLm(
  model: LmModel,
  extra: { train: LlmSeqPromptConfig; vocab: LmVocab; items: ItemTokens; tokenizer: string; names?: NameTable },
  precision: WeightsPrecision = 'uint8',
): Promise<{ json: LmModelFile; weights: Uint8Array }> {
  const parts: Uint8Array[] = [];
  const specs: WeightSpec[] = [];
  for (const [name, v] of model.vars) {
    const e = encodeWeight(name, v.shape, (await v.data()) as Float32Array, precision);
    specs.push(e.spec);
    parts.push(e.bytes);
  }
  const nItems = extra.items.offsets.length - 1;
  const lengths = new Uint8Array(nItems);
  for (let i = 0; i < nItems; i++) {
    const n = extra.items.offsets[i + 1] - extra.items.offsets[i];
    if (n > 255) throw new RangeError(`item ${i} has ${n} title tokens (at most 255 are stored)`);
    lengths[i] = n;
  }
  specs.push({ name: 'catalog.lengths', shape: [nItems], dtype: 'float32', quantization: { dtype: 'uint8', scale: 1, min: 0 } });
  parts.push(lengths);
  if (extra.vocab.pieces.length + 4 > 65536) throw new RangeError('vocabulary too large for uint16 token ids');
  specs.push({ name: 'catalog.tokens', shape: [extra.items.tokens.length], dtype: 'float32', quantization: { dtype: 'uint16', scale: 1, min: 0 } });
  parts.push(new Uint8Array(Uint16Array.from(extra.items.tokens).buffer));
  if (extra.names) {
    const rows = extra.names.table.length / extra.names.dim;
    if (rows !== extra.vocab.pieces.length + 4) throw new RangeError(`the name table has ${rows} rows for a vocabulary of ${extra.vocab.pieces.length + 4}`);
    const e = encodeWeight('names.table', [rows, extra.names.dim], extra.names.table, precision);
    specs.push(e.spec);
    parts.push(e.bytes);
  }
  const bytes = concatBytes(parts);
  const json: LmModelFile = {
    format: 'llmseqrec-lm',
    version: 1,
    config: { ...model.config },
    train: extra.train,
    pieces: [...extra.vocab.pieces],
    nItems,
    tokenizer: extra.tokenizer,
    weightsManifest: [{ paths: ['weights.bin'], weights: specs }],
  };
  return { json, weights: bytes };
}

export function deserializeLm(jsonText: string, weights: Uint8Array, file = 'model.json'): LoadedLm {
  const parsed = parseJsonText(jsonText, file, LmModelFile);
  const specs = parsed.weightsManifest.flatMap((g) => g.weights);
  const expected = expectedBytes(specs);
  if (weights.byteLength !== expected) throw new InputError(file.replace(/model\.json$/, 'weights.bin'), `is ${weights.byteLength} bytes, ${file} describes ${expected}`);
  if (parsed.pieces.length + 4 !== parsed.config.vocab) throw new InputError(file, `lists ${parsed.pieces.length} tokens for a vocabulary of ${parsed.config.vocab}`);
  const buffer = weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.byteLength) as ArrayBuffer;
  const tensors = tf.io.decodeWeights(buffer, specs as tf.io.WeightsManifestEntry[]);
  const lengthsT = tensors['catalog.lengths'];
  const tokensT = tensors['catalog.tokens'];
  if (!lengthsT || !tokensT) throw new InputError(file, 'has no catalog.lengths / catalog.tokens weights');
  const lengths = lengthsT.dataSync();
  const offsets = new Int32Array(lengths.length + 1);
  for (let i = 0; i < lengths.length; i++) offsets[i + 1] = offsets[i] + Math.round(lengths[i]);
  const tokens = Int32Array.from(tokensT.dataSync(), (x) => Math.round(x));
  if (offsets[lengths.length] !== tokens.length) throw new InputError(file, 'catalog token lengths do not add up to the stored tokens');
  delete tensors['catalog.lengths'];
  delete tensors['catalog.tokens'];
  lengthsT.dispose();
  tokensT.dispose();
  const namesT = tensors['names.table'];
  let names: NameTable | undefined;
  if (namesT) {
    if (namesT.shape[0] !== parsed.config.vocab) throw new InputError(file, `its names.table has ${namesT.shape[0]} rows for a vocabulary of ${parsed.config.vocab}`);
    names = { table: namesT.dataSync() as Float32Array, dim: namesT.shape[1] ?? 0 };
    delete tensors['names.table'];
    namesT.dispose();
  }
  const model = new LmModel(parsed.config, new Map(Object.entries(tensors)));
  for (const t of Object.values(tensors)) t.dispose();
  return { model, train: parsed.train, vocab: { pieces: parsed.pieces }, items: { offsets, tokens }, tokenizer: parsed.tokenizer, ...(names ? { names } : {}) };
}
