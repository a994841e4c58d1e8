import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeEmbeddings, encodeEmbeddings } from '../src/core/artifacts/embeddings.js';
import type { EmbeddingsEntry } from '../src/core/artifacts/manifest.js';
import { denseMatrix } from '../src/core/vectors/matrix.js';
import { mulberry32 } from '../src/core/vectors/random.js';
import { float16ToFloat32, float32ToFloat16 } from '../src/core/vectors/float16.js';
import { embedCatalog } from '../src/embedders/catalog.js';
import { loadTransformersEmbedder } from '../src/embedders/transformers.js';
import { MODELS_DIR } from '../src/node/paths.js';

function cosine(a: Float32Array, b: Float32Array): number {
  let d = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    d += a[i] * b[i];
    na += a[i] * a[i];
    nb += b[i] * b[i];
  }
  return d / Math.sqrt(na * nb);
}
const row = (m: { cols: number; data: Float32Array }, i: number) => m.data.subarray(i * m.cols, (i + 1) * m.cols);

describe('local embeddings with transformers.js (the bundled potion-base-4M model, offline)', async () => {
  const embedder = await loadTransformersEmbedder({ model: 'potion-base-4M-int8', localModelPath: `${MODELS_DIR}/` });
  const titles = [
    'Maybelline Great Lash Mascara, Blackest Black',
    'Lash Blast Volume Mascara by CoverGirl',
    'Burt\'s Bees Beeswax Lip Balm',
    '',
    'Organic vegan lip balm with shea butter',
  ];
  const { vectors, emptyTitleItems } = await embedCatalog(titles, embedder, { batchSize: 2 });

  it('gives 128-d unit vectors, never NaN', () => {
    expect(vectors.cols).toBe(128);
    for (let i = 0; i < titles.length; i++) {
      const r = row(vectors, i);
      expect(r.every(Number.isFinite)).toBe(true);
      expect(Math.hypot(...r)).toBeCloseTo(1, 5);
    }
  });

  it('places related titles closer than unrelated ones', () => {
    expect(cosine(row(vectors, 0), row(vectors, 1))).toBeGreaterThan(cosine(row(vectors, 0), row(vectors, 2)));
    expect(cosine(row(vectors, 2), row(vectors, 4))).toBeGreaterThan(cosine(row(vectors, 2), row(vectors, 1)));
  });

  it('gives an empty title the normalised mean of the other vectors', () => {
    expect(emptyTitleItems).toEqual([3]);
    const mean = new Float32Array(128);
    for (const i of [0, 1, 2, 4]) row(vectors, i).forEach((v, c) => (mean[c] += v));
    expect(cosine(row(vectors, 3), mean)).toBeCloseTo(1, 6);
  });

  it('matches the model\'s own mean pooling + normalisation', async () => {
    const raw = await embedder.embed([titles[0]]);
    const n = Math.hypot(...raw[0]);
    expect(cosine(row(vectors, 0), raw[0].map((v) => v / n))).toBeGreaterThan(0.999999);
  });

  it('reports a missing model folder clearly', async () => {
    await expect(loadTransformersEmbedder({ model: 'no-such-model', localModelPath: `${join(MODELS_DIR)}/` })).rejects.toThrow(
      /could not load the embedding model "no-such-model".*remote models are off/,
    );
  });
});

describe('embedding artifacts', () => {
  const r = mulberry32(4);
  const m = denseMatrix(50, 24, Float32Array.from({ length: 50 * 24 }, () => r() * 2 - 1));
  const entry = (dtype: EmbeddingsEntry['dtype'], bytes: number): EmbeddingsEntry => ({
    file: `e.${dtype}.bin`,
    bytes,
    sha256: '0'.repeat(64),
    name: 't',
    provider: 'transformers.js',
    model: 't',
    dtype,
    count: 50,
    dim: 24,
    pooling: 'mean',
    normalized: false,
    emptyTitleItemIds: [],
  });

  it('round-trips float32 exactly and float16/int8 with cosine > 0.999 per row', () => {
    for (const dtype of ['float32', 'float16', 'int8'] as const) {
      const bytes = encodeEmbeddings(m, dtype);
      const back = decodeEmbeddings(bytes, entry(dtype, bytes.byteLength));
      for (let i = 0; i < 50; i++) {
        if (dtype === 'float32') expect(Array.from(row(back, i))).toEqual(Array.from(row(m, i)));
        else expect(cosine(row(back, i), row(m, i))).toBeGreaterThan(0.999);
      }
    }
  });

  it('names the file when its size does not match the manifest shape', () => {
    const bytes = encodeEmbeddings(m, 'int8');
    expect(() => decodeEmbeddings(bytes.subarray(0, 100), entry('int8', 100))).toThrow(
      /^e\.int8\.bin: is 100 bytes, but 50 x 24 int8 embeddings need 1400$/,
    );
  });

  it('converts half floats with round-to-nearest-even', () => {
    for (const v of [0, 1, -2, 0.5, 65504, 1e-7, 3.14159, -0.000061035]) {
      // within half an ulp: 2^-11 relative, 2^-25 absolute for subnormals
      expect(Math.abs(float16ToFloat32(float32ToFloat16(v)) - v)).toBeLessThanOrEqual(Math.max(Math.abs(v) * 2 ** -11, 2 ** -25));
    }
    expect(float32ToFloat16(1 + 2 ** -11)).toBe(0x3c00); // tie -> even
    expect(float16ToFloat32(float32ToFloat16(1e6))).toBe(Infinity);
  });
});
