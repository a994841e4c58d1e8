import type { DenseMatrix } from '../vectors/matrix.js';
import { type Decay, decayWeight } from './decay.js';

/**
 * A session's embedding from its items' embeddings (dh-r `combine_embeddings`): the last
 * item's vector, or the mean weighted by a position decay (weights normalised, as
 * numpy.average). Written into `out` (length = E.cols); an empty session gives zeros.
 */
export function aggregateSession(
  items: ArrayLike<number>,
  how: 'mean' | 'last',
  decay: Decay,
  E: DenseMatrix,
  out: Float32Array,
): void {
  const d = E.cols;
  out.fill(0);
  const L = items.length;
  if (L === 0) return;
  if (how === 'last') {
    out.set(E.data.subarray(items[L - 1] * d, (items[L - 1] + 1) * d));
    return;
  }
  let wsum = 0;
  for (let p = 0; p < L; p++) {
    const w = decayWeight(decay, L - p, L);
    wsum += w;
    const base = items[p] * d;
    for (let c = 0; c < d; c++) out[c] += w * E.data[base + c];
  }
  const inv = 1 / wsum;
  for (let c = 0; c < d; c++) out[c] *= inv;
}
