import { describe, expect, it } from 'vitest';
import { denseMatrix } from '../src/core/vectors/matrix.js';
import { buildModel, CATALOGUE, resolveConfig } from '../src/recommenders/catalogue.js';
import { embeddingEnsemble, llmSeqSimPopularity, llmSeqSimSequential, popularityQuantile, sessionPopularity } from '../src/recommenders/hybrids.js';
import type { Ranked, Recommender } from '../src/recommenders/types.js';
import { sessionsOf, top } from './helpers.js';

/** A model that always answers the same list (scores descending from 1). */
function fixed(name: string, items: number[], scores?: number[]): Recommender {
  return {
    name,
    config: {},
    recommend(_s, k): Ranked {
      const it = new Int32Array(k).fill(-1);
      const sc = new Float32Array(k).fill(-Infinity);
      items.slice(0, k).forEach((x, i) => {
        it[i] = x;
        sc[i] = scores?.[i] ?? 1 - i / 100;
      });
      return { items: it, scores: sc };
    },
  };
}

describe('the extension paper hybrids (as the authors\' main/hybrids code combines lists)', () => {
  const a = fixed('a', [1, 2, 3, 4], [0.95, 0.9, 0.85, 0.5]);
  const b = fixed('b', [3, 5, 1, 6, 7]);

  it('EmbeddingEnsemble, rank rule: model 1\'s top r, then model 2, without duplicates, cut to k', () => {
    expect(top(embeddingEnsemble('e', {}, a, b, { by: 'rank', rank: 2 }).recommend(Int32Array.of(0), 4))).toEqual([1, 2, 3, 5]);
    expect(top(embeddingEnsemble('e', {}, a, b, { by: 'rank', rank: 0 }).recommend(Int32Array.of(0), 3))).toEqual([3, 5, 1]);
  });

  it('EmbeddingEnsemble, confidence rule: model 1\'s items while their score is at least c', () => {
    expect(top(embeddingEnsemble('e', {}, a, b, { by: 'confidence', confidence: 0.88 }).recommend(Int32Array.of(0), 5))).toEqual([1, 2, 3, 5, 6]);
    expect(top(embeddingEnsemble('e', {}, a, b, { by: 'confidence', confidence: 0.99 }).recommend(Int32Array.of(0), 5))).toEqual([3, 5, 1, 6, 7]);
  });

  // Item 0 is in 3 of 4 sessions, item 1 in 2, items 2 and 3 in 1 each; items 4+ never.
  const train = sessionsOf([[0, 1], [0, 1, 2], [0, 3], [3, 2]]);
  const pop = sessionPopularity(train, 8);

  it('popularity is the share of training sessions holding an item, and its quantile interpolates as pandas does', () => {
    expect(Array.from(pop)).toEqual([0.75, 0.5, 0.5, 0.5, 0, 0, 0, 0]);
    // Items seen in training: [0.5, 0.5, 0.5, 0.75]; pandas Series.quantile(0.9) = 0.675.
    expect(popularityQuantile(pop, 0.9)).toBeCloseTo(0.675, 10);
    expect(popularityQuantile(pop, 0.25)).toBeCloseTo(0.5, 10);
  });

  it("LLMSeqSim&Sequential: the sequential model's list after a popular last item, LLMSeqSim's otherwise", () => {
    const h = llmSeqSimSequential('h', {}, fixed('emb', [5, 6]), fixed('seq', [7, 4]), pop, 0.9);
    expect(top(h.recommend(Int32Array.of(3, 0), 2))).toEqual([7, 4]); // 0.75 >= 0.675
    expect(top(h.recommend(Int32Array.of(0, 3), 2))).toEqual([5, 6]); // 0.5 < 0.675
  });

  it("LLMSeqSim&Popularity: unpopular items leave LLMSeqSim's list, best-ranked first, while more than k remain", () => {
    const h = llmSeqSimPopularity('h', {}, fixed('emb', [4, 1, 5, 0, 6, 2]), pop, 0.25, 100);
    // Below 0.5: 4, 5, 6. With k=4 two can go (6 items -> 4): 4 and 5, the best-ranked ones.
    expect(top(h.recommend(Int32Array.of(3), 4))).toEqual([1, 0, 6, 2]);
    expect(top(h.recommend(Int32Array.of(3), 6))).toEqual([4, 1, 5, 0, 6, 2]);
  });

  it('the batch path of a hybrid gives the lists of one-at-a-time scoring', () => {
    const h = embeddingEnsemble('e', {}, a, b, { by: 'rank', rank: 1 });
    const cases = { sessionIds: Int32Array.of(0, 1), promptOffsets: Int32Array.of(0, 1, 2), promptItems: Int32Array.of(0, 0), targets: Int32Array.of(1, 1) };
    const lists = h.recommendBatch!(cases, 3);
    expect(Array.from(lists.items)).toEqual([1, 3, 5, 1, 3, 5]);
  });
});

describe('the model catalogue', () => {
  it("every model's defaults are a valid config of its schema", () => {
    for (const m of CATALOGUE) expect(() => resolveConfig(m.name, undefined, 'defaults'), m.name).not.toThrow();
  });

  it('builds the hybrids over LLMSeqSim from a config, never recommending session items', () => {
    const vectors = denseMatrix(8, 2, Float32Array.from([1, 0, 0.9, 0.1, 0, 1, 0.1, 0.9, -1, 0, 0.7, 0.7, 0.95, 0.05, 0, -1]));
    const ctx = { train: sessionsOf([[0, 1], [0, 1, 2], [0, 3], [3, 2], [6, 0]]), nItems: 8, embeddings: vectors };
    for (const name of ['embedding-ensemble', 'llmseqsim-popularity']) {
      const m = buildModel(name, ctx, resolveConfig(name, undefined, 'defaults'));
      const r = top(m.recommend(Int32Array.of(0), 5));
      expect(r.length, name).toBeGreaterThan(0);
      expect(r, name).not.toContain(0);
      expect(new Set(r).size, name).toBe(r.length);
    }
  });

  it('an unknown model or a bad config is a clear error', () => {
    expect(() => resolveConfig('nope', undefined, 'x')).toThrow(/unknown model "nope" \(models: llmseqsim, /);
    expect(() => resolveConfig('llmseqsim-popularity', { quantile: 2 }, 'my.json')).toThrow(/my\.json: invalid llmseqsim-popularity config: quantile/);
  });
});
