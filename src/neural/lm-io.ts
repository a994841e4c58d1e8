import * as tf from '@tensorflow/tfjs-core';
import { z } from 'zod';
import { parseJsonFile } from '../core/artifacts/manifest.js';
import { InputError } from '../core/errors.js';
import type { ItemTokens, LmVocab } from '../core/prompt/lm-tokens.js';
import type { NameTable } from '../core/prompt/name-vectors.js';
import { float32ToFloat16 } from '../core/vectors/float16.js';
import { LmModel } from './lm.js';
import { LlmSeqPromptConfig } from './lm-train.js';
import type { WeightsPrecision } from './io.js';

/**
 * The local LLMSeqPrompt model as tfjs artifacts, like the sequential models (io.ts):
 * `model.json` (architecture, training/decoding config, the restricted vocabulary's token
 * strings and a standard tfjs `weightsManifest`) and one `weights.bin`. The catalog's title
 * tokens travel in the same weights file (lengths as uint8, token ids as uint16, tfjs's own
 * quantization formats, exact for these integers), so generating needs no tokenizer at all.
 * An optional `names.table` [vocab, dim] holds the name embedder's row of every model token
 * (src/core/prompt/name-vectors.ts), so mapping needs no embedding model either.
 */
const Quantization = z.discriminatedUnion('dtype', [
  z.object({ dtype: z.literal('float16') }),
  z.object({ dtype: z.literal('uint8'), scale: z.number().nonnegative(), min: z.number() }),
  z.object({ dtype: z.literal('uint16'), scale: z.number().nonnegative(), min: z.number() }),
]);

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
  weightsManifest: z.array(
    z.object({
      paths: z.array(z.string()),
      weights: z.array(
        z.object({
          name: z.string(),
          shape: z.array(z.number().int().nonnegative()),
          dtype: z.enum(['float32', 'int32']),
          quantization: Quantization.optional(),
        }),
      ),
    }),
  ),
});
export type LmModelFile = z.infer<typeof LmModelFile>;
type Spec = LmModelFile['weightsManifest'][number]['weights'][number];

export interface LoadedLm {
  readonly model: LmModel;
  readonly train: LlmSeqPromptConfig;
  readonly vocab: LmVocab;
  readonly items: ItemTokens;
  readonly tokenizer: string;
  /** Rows of the name embedder per model token id, when the file carries them. */
  readonly names?: NameTable;
}

const BYTES = { float32: 4, float16: 2, uint16: 2, uint8: 1 } as const;

function encodeFloats(name: string, shape: number[], values: Float32Array, precision: WeightsPrecision): { spec: Spec; bytes: Uint8Array } {
  if (precision === 'float16') {
    const half = new Uint16Array(values.length);
    for (let i = 0; i < values.length; i++) half[i] = float32ToFloat16(values[i]);
    return { spec: { name, shape, dtype: 'float32', quantization: { dtype: 'float16' } }, bytes: new Uint8Array(half.buffer) };
  }
  if (precision === 'uint8') {
    let min = Infinity;
    let max = -Infinity;
    for (const x of values) {
      if (x < min) min = x;
      if (x > max) max = x;
    }
    if (!(max > min)) max = min + 1;
    const scale = (max - min) / 255;
    const q = new Uint8Array(values.length);
    for (let i = 0; i < values.length; i++) q[i] = Math.round((values[i] - min) / scale);
    return { spec: { name, shape, dtype: 'float32', quantization: { dtype: 'uint8', scale, min } }, bytes: q };
  }
  return { spec: { name, shape, dtype: 'float32' }, bytes: new Uint8Array(values.buffer, values.byteOffset, values.byteLength).slice() };
}

export async function serializeLm(
  model: LmModel,
  extra: { train: LlmSeqPromptConfig; vocab: LmVocab; items: ItemTokens; tokenizer: string; names?: NameTable },
  precision: WeightsPrecision = 'uint8',
): Promise<{ json: LmModelFile; weights: Uint8Array }> {
  const parts: Uint8Array[] = [];
  const specs: Spec[] = [];
  for (const [name, v] of model.vars) {
    const e = encodeFloats(name, v.shape, (await v.data()) as Float32Array, precision);
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
    const e = encodeFloats('names.table', [rows, extra.names.dim], extra.names.table, precision);
    specs.push(e.spec);
    parts.push(e.bytes);
  }
  const bytes = new Uint8Array(parts.reduce((a, p) => a + p.byteLength, 0));
  let at = 0;
  for (const p of parts) {
    bytes.set(p, at);
    at += p.byteLength;
  }
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
  const parsed = parseJsonFile(jsonText, file, LmModelFile);
  const specs = parsed.weightsManifest.flatMap((g) => g.weights);
  const expected = specs.reduce((a, s) => a + s.shape.reduce((x, y) => x * y, 1) * BYTES[s.quantization?.dtype ?? 'float32'], 0);
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
