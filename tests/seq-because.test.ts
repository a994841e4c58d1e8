import { describe, expect, it } from 'vitest';
import { initTfjs } from '../src/node/tfjs-setup.js';
import { SeqModel } from '../src/neural/model.js';
import { seqRecommender } from '../src/neural/recommender.js';

/** "Because you viewed X" for the trained sequential models: leave-one-out attribution. */
describe('sequential model explanations', async () => {
  await initTfjs();
  const N = 40;
  const model = new SeqModel({ arch: 'sasrec', nItems: N, maxLen: 8, dim: 16, layers: 1, heads: 1, dropout: 0, seed: 5 });
  const rec = seqRecommender(model, 'sasrec', {});

  it('explains each suggestion by the session item whose removal lowers its score the most', async () => {
    const session = Int32Array.from([3, 17, 25, 8]);
    const r = await rec.recommendAsync!(session, 6, true);
    expect(r.because).toBeDefined();
    // Reference: score the session without each item, one at a time.
    const without = Array.from(session, (_, j) => Array.from(session).filter((__, i) => i !== j));
    const t = model.scorePrompts(without);
    const data = t.dataSync();
    t.dispose();
    r.items.forEach((it, pos) => {
      const drops = without.map((_, j) => data[j * N + it]);
      expect(r.because![pos]).toBe(session[drops.indexOf(Math.min(...drops))]);
    });
    // Without explain, no attribution is computed.
    expect((await rec.recommendAsync!(session, 6, false)).because).toBeUndefined();
  });

  it('a one-item session explains everything by that item', async () => {
    const r = await rec.recommendAsync!(Int32Array.from([11]), 5, true);
    expect(Array.from(r.because!)).toEqual([11, 11, 11, 11, 11]);
  });
});
