import * as tf from '@tensorflow/tfjs-core';
import { z } from 'zod';
import { parseJsonFile } from '../core/artifacts/manifest.js';
import { InputError } from '../core/errors.js';
import { SeqModel, type SeqModelConfig } from './model.js';

/**
 * A trained sequential model as tfjs artifacts: `model.json` (the model config and a standard
 * tfjs `weightsManifest`) and one `weights.bin`, written with tf.io.encodeWeights and read with
 * tf.io.decodeWeights: no tfjs-node needed, and the same files load in Node and the browser.
 */
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
  weightsManifest: z.array(
    z.object({
      paths: z.array(z.string()),
      weights: z.array(z.object({ name: z.string(), shape: z.array(z.number().int()), dtype: z.enum(['float32', 'int32']) })),
    }),
  ),
});
export type SeqModelFile = z.infer<typeof SeqModelFile>;

export async function serializeModel(model: SeqModel): Promise<{ json: SeqModelFile; weights: Uint8Array }> {
  const named = [...model.vars].map(([name, tensor]) => ({ name, tensor }));
  const { data, specs } = await tf.io.encodeWeights(named);
  const bytes = new Uint8Array(data instanceof ArrayBuffer ? data : tf.io.concatenateArrayBuffers(data as ArrayBuffer[]));
  const json: SeqModelFile = {
    format: 'llmseqrec-seqmodel',
    version: 1,
    config: { ...model.config },
    weightsManifest: [{ paths: ['weights.bin'], weights: specs.map((s) => ({ name: s.name, shape: s.shape, dtype: s.dtype as 'float32' | 'int32' })) }],
  };
  return { json, weights: bytes };
}

export function deserializeModel(jsonText: string, weights: Uint8Array, file = 'model.json'): SeqModel {
  const parsed = parseJsonFile(jsonText, file, SeqModelFile);
  const specs = parsed.weightsManifest.flatMap((g) => g.weights);
  const expected = specs.reduce((a, s) => a + s.shape.reduce((x, y) => x * y, 1) * 4, 0);
  if (weights.byteLength !== expected) throw new InputError('weights.bin', `is ${weights.byteLength} bytes, ${file} describes ${expected}`);
  const buffer = weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.byteLength) as ArrayBuffer;
  const tensors = tf.io.decodeWeights(buffer, specs);
  const model = new SeqModel(parsed.config as SeqModelConfig, new Map(Object.entries(tensors)));
  for (const t of Object.values(tensors)) t.dispose();
  return model;
}
