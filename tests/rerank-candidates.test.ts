import { describe, expect, it } from 'vitest';
import { denseMatrix } from '../src/core/vectors/matrix.js';
import { mulberry32 } from '../src/core/vectors/random.js';
import { SeqModel } from '../src/neural/model.js';
import { seqRecommender } from '../src/neural/recommender.js';
import { initTfjs } from '../src/node/tfjs-setup.js';
import { fitLlmSeqSim, LLMSEQSIM_DEFAULTS } from '../src/recommenders/llmseqsim.js';
import type { Ranked, Recommender } from '../src/recommenders/types.js';
import { sessionsOf } from './helpers.js';

/**
 * Re-ranking candidates from a vector index (recommendAmong): the order a model gives the
 * candidates is the order its full-catalog ranking gives them, session items left out.
 */
const N = 120;
const rand = mulberry32(3);
const emb = denseMatrix(N, 16, Float32Array.from({ length: N * 16 }, () => rand() * 2 - 1));
const candidates = Int32Array.from([5, 90, 17, 3, 44, 61, 8, 119, 70, 33, 2, 58]); // 3 and 8 are session items below
const session = Int32Array.from([8, 40, 3]);

/** The full ranking restricted to the candidates: the reference. */
async function reference(model: Recommender, k: number): Promise<number[]> {
  const full: Ranked = model.recommendAsync ? await model.recommendAsync(session, N) : model.recommend(session, N);
  const inCands = new Set(candidates);
  return Array.from(full.items).filter((i) => inCands.has(i)).slice(0, k);
}

describe('re-ranking candidates', () => {
  it('LLMSeqSim: the full ranking among the candidates, for every similarity, aggregation and reduction', async () => {
    for (const similarity of ['cosine', 'dot', 'euclidean'] as const) {
      for (const aggregation of ['mean', 'last'] as const) {
        for (const reduction of [{ method: 'none' }, { method: 'pca', dims: 6 }] as const) {
          const m = fitLlmSeqSim({ train: sessionsOf([[0, 1]]), nItems: N, embeddings: emb }, { ...LLMSEQSIM_DEFAULTS, similarity, aggregation, reduction, decay: 'scaling_linear' });
          const r = await m.recommendAmong!(session, candidates, 6, true);
          expect(Array.from(r.items)).toEqual(await reference(m, 6));
          expect(r.because).toHaveLength(6);
          for (const b of r.because!) expect(Array.from(session)).toContain(b);
        }
      }
    }
  });

  it('a trained sequential model: the full ranking among the candidates; unknown candidates are skipped', async () => {
    await initTfjs();
    for (const arch of ['sasrec', 'gru4rec', 'bert4rec'] as const) {
      const rec = seqRecommender(new SeqModel({ arch, nItems: N, maxLen: 8, dim: 16, layers: 1, heads: 1, dropout: 0, seed: 7 }), arch, {});
      const r = await rec.recommendAmong!(session, candidates, 5, false);
      expect(Array.from(r.items)).toEqual(await reference(rec, 5));
      // More asked than there are usable candidates: the rest is -1.
      const few = await rec.recommendAmong!(session, Int32Array.from([3, 8, 77]), 3, false);
      expect(Array.from(few.items)).toEqual([77, -1, -1]);
      rec.dispose?.();
    }
  });
});
