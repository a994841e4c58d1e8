import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { DenseMatrix } from '../src/core/vectors/matrix.js';
import { loadTransformersEmbedder } from '../src/embedders/transformers.js';
import { fineTuneStaticEmbedder, itemVectorsFromTable } from '../src/neural/embedder-ft.js';
import { MODELS_DIR } from '../src/node/paths.js';
import { readStaticModel, writeStaticModel } from '../src/node/static-model.js';
import { initTfjs, registerGradients } from '../src/node/tfjs-setup.js';
import { SEQ_PRESETS } from '../src/neural/presets.js';
import { innerSplit, TRAIN_DEFAULTS } from '../src/neural/train.js';
import { seqInnerValidation, tokenizeTitles } from '../src/node/train-embedder.js';
import { sessionsOf } from './helpers.js';

// Pairs of items that always follow each other in the sessions but whose titles have nothing in common.
const TITLES = [
  'stainless steel garden hose',
  'vanilla scented soy candle',
  'wireless optical computer mouse',
  'organic green tea bags',
  'leather dog collar',
  'acetone nail polish remover',
  'children picture book about dinosaurs',
  'car battery charger',
];
const PAIRS = [
  [0, 1],
  [2, 3],
  [4, 5],
  [6, 7],
];
const train = sessionsOf(Array.from({ length: 20 }, () => PAIRS).flat());
const cos = (m: DenseMatrix, a: number, b: number) => {
  let s = 0;
  for (let c = 0; c < m.cols; c++) s += m.data[a * m.cols + c] * m.data[b * m.cols + c];
  return s;
};
/** Rank of b among all other items by cosine to a (0 = nearest). */
const rankOf = (m: DenseMatrix, a: number, b: number) => {
  let r = 0;
  for (let i = 0; i < m.rows; i++) if (i !== a && i !== b && cos(m, a, i) > cos(m, a, b)) r++;
  return r;
};

const tmp = mkdtempSync(join(tmpdir(), 'embft-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('fine-tuning the static embedder on sessions (tiny synthetic data)', async () => {
  await initTfjs();
  await registerGradients();
  const base = readStaticModel(join(MODELS_DIR, 'potion-base-4M-int8'));
  const tokens = await tokenizeTitles('potion-base-4M-int8', TITLES);
  const before = itemVectorsFromTable(base.table, base.dim, tokens);
  const result = await fineTuneStaticEmbedder(
    base,
    tokens,
    train,
    { epochs: 25, batchSize: 16, negatives: 4, temperature: 0.1, lr: 0.01, pull: 0.1, patience: 1, seed: 1 },
    {},
  );
  const after = itemVectorsFromTable(result.table, base.dim, tokens);

  it('brings items that always follow each other close although their titles are unrelated', () => {
    for (const [a, b] of PAIRS) {
      expect(cos(before, a, b)).toBeLessThan(0.6);
      expect(cos(after, a, b)).toBeGreaterThan(cos(before, a, b) + 0.2);
      expect(rankOf(after, a, b)).toBe(0); // the partner is the nearest item
    }
    expect(PAIRS.filter(([a, b]) => rankOf(before, a, b) === 0).length).toBeLessThan(PAIRS.length);
  });

  it('trains only the rows of tokens in the titles; every other row stays the original', () => {
    const touched = new Set(tokens.tokens);
    expect(result.trainedTokens).toBe(touched.size);
    let changedOutside = 0;
    for (let t = 0; t < base.vocab; t++) {
      if (touched.has(t)) continue;
      for (let c = 0; c < base.dim; c++) if (result.table[t * base.dim + c] !== base.table[t * base.dim + c]) changedOutside++;
    }
    expect(changedOutside).toBe(0);
  });

  it('is written as a transformers.js model folder that embeds titles it never saw, as the table says', async () => {
    const dir = join(tmp, 'potion-tuned');
    writeStaticModel(join(MODELS_DIR, 'potion-base-4M-int8'), dir, result.table);
    const embedder = await loadTransformersEmbedder({ model: basename(dir), localModelPath: `${dirname(dir)}/` });
    const unseen = 'bamboo cutting board with juice groove';
    const [u, a, b, c] = await embedder.embed([unseen, TITLES[0], TITLES[1], TITLES[2]]);
    expect(u.every(Number.isFinite)).toBe(true);
    expect(Math.hypot(...u)).toBeGreaterThan(0);
    // The ONNX model's vectors are the table's means (up to int8 rounding).
    const fromTable = itemVectorsFromTable(result.table, base.dim, await tokenizeTitles('potion-base-4M-int8', [unseen, TITLES[0]]));
    const unit = (v: Float32Array) => v.map((x) => x / Math.hypot(...v));
    const dot = (x: Float32Array, y: Float32Array) => x.reduce((s, v, i) => s + v * y[i], 0);
    expect(dot(unit(u), fromTable.data.subarray(0, base.dim))).toBeGreaterThan(0.999);
    expect(dot(unit(a), fromTable.data.subarray(base.dim))).toBeGreaterThan(0.999);
    // And the learned closeness survives the int8 file: item 0's partner beats an unrelated item.
    expect(dot(unit(a), unit(b))).toBeGreaterThan(dot(unit(a), unit(c)) + 0.2);
  });
});

describe('llmseqsim-ft --val-seed', () => {
  it('holds out exactly the sessions the sequential trainer of that seed validates on, and trains on none of them', () => {
    // 300 distinct sessions of 2-4 items, so each session's items identify it.
    const lists = Array.from({ length: 300 }, (_, s) => Array.from({ length: 2 + (s % 3) }, (_, j) => s * 4 + j));
    const sessions = sessionsOf(lists);
    for (const seed of [42, 43]) {
      const held = seqInnerValidation(sessions, seed);
      const trainer = innerSplit(sessions, { ...TRAIN_DEFAULTS, valMax: SEQ_PRESETS.llm2bert4rec.valMax, seed });
      expect(Array.from(held.test.targets)).toEqual(trainer.val.map((s) => s.items[s.items.length - 1]));
      expect(held.train.offsets.length - 1).toBe(trainer.fit.length);
      const fitted = new Set(held.train.items);
      expect(trainer.val.filter((s) => s.items.some((it) => fitted.has(it)))).toEqual([]);
    }
  });
});
