import * as tf from '@tensorflow/tfjs-core';
import { z } from 'zod';
import { parseJsonText } from '../core/json.js';
import { InputError } from '../core/errors.js';
import { float32ToFloat16 } from '../core/vectors/float16.js';
import { SeqModel, type SeqModelConfig } from './model.js';

/**
 * A trained sequential model as tfjs artifacts: `model.json` (the model config and a standard
 * tfjs `weightsManifest`) and one `weights.bin`, written with tf.io.encodeWeights and read with
 * tf.io.decodeWeights: no tfjs-node needed, and the same files load in Node and the browser.
 */
/** tfjs's weight quantization formats (float16; per-tensor affine uint8/uint16: value = q * scale + min). */
const Quantization = z.discriminatedUnion('dtype', [
  z.object({ dtype: z.literal('float16') }),
  z.object({ dtype: z.literal('uint8'), scale: z.number().nonnegative(), min: z.number() }),
  z.object({ dtype: z.literal('uint16'), scale: z.number().nonnegative(), min: z.number() }),
]);

/** A standard tfjs `weightsManifest` (one group per weights file). */
export const WeightsManifest = z.array(
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
);
export type WeightSpec = z.infer<typeof WeightsManifest>[number]['weights'][number];

export const SeqModelFile = z.object({
  format: z.literal('llmseqrec-seqmodel'),
  version: z.literal(1),
  config: z.object({
    arch: z.enum(['bert4rec', 'sasrec', 'gru4rec']),
    nItems: z.number().int().positive(),
    maxLen: z.number().int().positive(),
    dim: z.number().int().positive(),
    layers: z.number().int().nonnegative(),
    heads: z.number().int().positive(),
    dropout: z.number().min(0).max(1),
    seed: z.number().int(),
    hidden: z.number().int().positive().optional(),
  }),
  weightsManifest: WeightsManifest,
});
export type SeqModelFile = z.infer<typeof SeqModelFile>;

export type WeightsPrecision = 'float32' | 'float16' | 'uint8';
const BYTES = { float32: 4, float16: 2, uint8: 1, uint16: 2 } as const;

/** The bytes a weights file must have for these specs. */
export function expectedBytes(specs: readonly WeightSpec[]): number {
  return specs.reduce((a, s) => a + s.shape.reduce((x, y) => x * y, 1) * BYTES[s.quantization?.dtype ?? 'float32'], 0);
}

/** One float tensor's bytes and spec at a precision (see serializeModel). */
export function encodeWeight(name: string, shape: number[], values: Float32Array, precision: WeightsPrecision): { spec: WeightSpec; bytes: Uint8Array } {
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
    if (!(max > min)) max = min + 1; // constant tensor (e.g. zero biases): any scale is exact
    const scale = (max - min) / 255;
    const q = new Uint8Array(values.length);
    for (let i = 0; i < values.length; i++) q[i] = Math.round((values[i] - min) / scale);
    return { spec: { name, shape, dtype: 'float32', quantization: { dtype: 'uint8', scale, min } }, bytes: q };
  }
  return { spec: { name, shape, dtype: 'float32' }, bytes: new Uint8Array(values.buffer, values.byteOffset, values.byteLength).slice() };
}

/** The parts of a weights file, one after the other. */
export function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  const bytes = new Uint8Array(parts.reduce((a, p) => a + p.byteLength, 0));
  let at = 0;
  for (const p of parts) {
    bytes.set(p, at);
    at += p.byteLength;
  }
  return bytes;
}

/**
 * float16 halves the file, uint8 quarters it (per-tensor affine: value = q * scale + min).
 * Both are tfjs's own weight quantization formats (as `tensorflowjs_converter
 * --quantize_float16 / --quantize_uint8` write them), which tf.io.decodeWeights reads back to
 * float32. tf.io.encodeWeights cannot write them (the converter is Python), hence the loop.
 */
export async function serializeModel(model: SeqModel, precision: WeightsPrecision = 'float32'): Promise<{ json: SeqModelFile; weights: Uint8Array }> {
  const specs: WeightSpec[] = [];
  const parts: Uint8Array[] = [];
  for (const [name, v] of model.vars) {
    const e = encodeWeight(name, v.shape, (await v.data()) as Float32Array, precision);
    specs.push(e.spec);
    parts.push(e.bytes);
  }
  const bytes = concatBytes(parts);
  const json: SeqModelFile = { format: 'llmseqrec-seqmodel', version: 1, config: { ...model.config }, weightsManifest: [{ paths: ['weights.bin'], weights: specs }] };
  return { json, weights: bytes };
}

export function deserializeModel(jsonText: string, weights: Uint8Array, file = 'model.json'): SeqModel {
  const parsed = parseJsonText(jsonText, file, SeqModelFile);
  const specs = parsed.weightsManifest.flatMap((g) => g.weights);
  const expected = expectedBytes(specs);
  if (weights.byteLength !== expected) throw new InputError('weights.bin', `is ${weights.byteLength} bytes, ${file} describes ${expected}`);
  const buffer = weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.byteLength) as ArrayBuffer;
  const tensors = tf.io.decodeWeights(buffer, specs as tf.io.WeightsManifestEntry[]);
  const model = new SeqModel(parsed.config as SeqModelConfig, new Map(Object.entries(tensors)));
  for (const t of Object.values(tensors)) t.dispose();
  return model;
}
