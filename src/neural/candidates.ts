import type { CandidateScorer } from '../recommenders/candidates.js';
import type { SeqModel } from './model.js';

/**
 * A trained sequential model as a re-ranker of candidates from a vector index
 * (src/recommenders/candidates.ts): scores only the candidates' rows, on the running backend.
 * Session items the model does not know (past its catalog) are left out of its input.
 */
export function seqCandidateScorer(model: SeqModel): CandidateScorer {
  const n = model.config.nItems;
  return async (session, candidates) => {
    const known = session.filter((i) => i >= 0 && i < n);
    const inCatalog = candidates.filter((c) => c >= 0 && c < n);
    const out = new Float32Array(candidates.length).fill(-Infinity);
    if (known.length === 0 || inCatalog.length === 0) return out;
    await model.prepareOneSession();
    const t = model.scoreCandidates(known, inCatalog);
    try {
      const s = (await t.data()) as Float32Array;
      let j = 0;
      candidates.forEach((c, i) => {
        if (c >= 0 && c < n) out[i] = s[j++];
      });
    } finally {
      t.dispose();
    }
    return out;
  };
}
