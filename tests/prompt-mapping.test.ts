import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildNameIndex, mapGeneratedNames } from '../src/core/prompt/mapping.js';
import { normalizeRows } from '../src/core/vectors/matrix.js';
import { loadTransformersEmbedder } from '../src/embedders/transformers.js';

/**
 * A tiny catalog on 3 axes (lashes, lips, nails): each item's vector is hand-made, and the
 * toy embedder maps a text to the axis of the first keyword it contains, so the nearest item
 * of every hallucinated name is known in advance.
 */
const titles = ['Great Lash Mascara', 'Lash Primer', 'Lip Balm', 'Lip Gloss', 'Nail File', 'Nail Polish Red'];
const itemVectors = {
  rows: 6,
  cols: 3,
  data: Float32Array.from([1, 0, 0, 0.9, 0.1, 0, 0, 1, 0, 0, 0.8, 0.2, 0, 0, 1, 0, 0.1, 0.9]),
};
const axis = (t: string) => (/lash|mascara/i.test(t) ? [1, 0, 0] : /lip/i.test(t) ? [0, 1, 0] : /nail/i.test(t) ? [0, 0, 1] : [0.3, 0.3, 0.3]);
const embedded: string[] = [];
const embed = async (texts: readonly string[]) => {
  embedded.push(...texts);
  return texts.map((t) => Float32Array.from(axis(t)));
};
const ctx = { index: buildNameIndex(titles), itemVectors, embed };

describe('generated names -> catalog items', () => {
  it('exact names become their items, in generation order, without embedding anything', async () => {
    embedded.length = 0;
    const r = await mapGeneratedNames(['Nail File', ' Lip Balm ', 'Lash Primer'], [], 3, ctx);
    expect(Array.from(r.items)).toEqual([4, 2, 1]);
    expect(r.generated.map((g) => g.how)).toEqual(['exact', 'exact', 'exact']);
    expect(embedded).toEqual([]);
  });

  it('a hallucinated name is replaced by the nearest item by dot product, after the exact matches', async () => {
    const r = await mapGeneratedNames(['Nail Lacquer Super Shiny', 'Lip Balm'], [], 5, ctx);
    expect(r.generated).toEqual([
      { text: 'Lip Balm', item: 2, how: 'exact' },
      { text: 'Nail Lacquer Super Shiny', item: 4, how: 'nearest' },
    ]);
    expect(Array.from(r.items)).toEqual([2, 4, -1, -1, -1]);
  });

  it('a duplicate is replaced by the nearest item not used yet', async () => {
    const r = await mapGeneratedNames(['Nail File', 'Nail File', 'Nail File'], [], 3, ctx);
    expect(r.generated.map((g) => [g.item, g.how])).toEqual([
      [4, 'exact'],
      [5, 'nearest'], // Nail Polish Red: next along the nails axis
      [3, 'nearest'], // then the best remaining item on that axis (Lip Gloss, 0.2)
    ]);
  });

  it("the session's own items are never recommended: an exact match of one is replaced, and no replacement is one", async () => {
    const r = await mapGeneratedNames(['Great Lash Mascara', 'Lip Balm'], [0, 1], 3, ctx);
    // Mascara (item 0) is in the session, and so is its nearest item Lash Primer (1): the replacement is the best of the rest (all 0 on the lash axis: the lowest index, 3).
    expect(r.generated).toEqual([
      { text: 'Lip Balm', item: 2, how: 'exact' },
      { text: 'Great Lash Mascara', item: 3, how: 'nearest' },
    ]);
    expect(Array.from(r.items).filter((i) => i >= 0).some((i) => i === 0 || i === 1)).toBe(false);
  });

  it('stops at k (exact matches first)', async () => {
    const r = await mapGeneratedNames(['made up lip thing', 'Nail File', 'Lip Gloss', 'Lash Primer'], [], 2, ctx);
    expect(Array.from(r.items)).toEqual([4, 3]);
  });

  it('with the real bundled potion-base-4M model, a paraphrased title maps to the matching product', async () => {
    const e = await loadTransformersEmbedder({ model: 'potion-base-4M-int8', localModelPath: `${join(process.cwd(), 'public', 'models')}/` });
    const catalog = ['Maybelline Great Lash Mascara, Blackest Black', 'Burts Bees Beeswax Lip Balm', 'Revlon Nail Polish, Cherry Red', 'Neutrogena Oil-Free Acne Face Wash'];
    const vectors = await e.embed(catalog);
    const dim = vectors[0].length;
    const m = normalizeRows({ rows: catalog.length, cols: dim, data: Float32Array.from(vectors.flatMap((v) => Array.from(v))) });
    const real = { index: buildNameIndex(catalog), itemVectors: m, embed: (t: readonly string[]) => e.embed(t) };
    const r = await mapGeneratedNames(['great lash mascara black', 'face wash for acne', 'Burts Bees Beeswax Lip Balm'], [], 3, real);
    expect(r.generated).toEqual([
      { text: 'Burts Bees Beeswax Lip Balm', item: 1, how: 'exact' },
      { text: 'great lash mascara black', item: 0, how: 'nearest' },
      { text: 'face wash for acne', item: 3, how: 'nearest' },
    ]);
  });
});
