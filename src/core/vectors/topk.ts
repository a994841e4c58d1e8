/**
 * Top-k selection over a score vector without sorting it: one pass keeps the k best in a
 * small sorted buffer (k is 10-20 here, n is the catalog). Entries scored -Infinity or NaN
 * are never selected (that is how excluded items are expressed). Ties go to the lower index,
 * so results are deterministic.
 * Writes up to k indices into outItems[offset..] and their scores into outScores[offset..];
 * unused slots get -1 / -Infinity. Returns the number of items written.
 */
export function topKInto(
  scores: ArrayLike<number>,
  k: number,
  outItems: Int32Array,
  outScores: Float32Array | Float64Array | null,
  offset = 0,
): number {
  if (k > 32 && k * 4 > scores.length / 8) return topKBySort(scores, k, outItems, outScores, offset);
  const bestS = new Float64Array(k);
  const bestI = new Int32Array(k);
  let size = 0;
  const n = scores.length;
  for (let i = 0; i < n; i++) {
    const s = scores[i];
    if (!(s > -Infinity)) continue; // skips -Infinity and NaN
    if (size === k && s <= bestS[k - 1]) continue;
    // insertion: find position (strictly greater goes first, equal keeps lower index first)
    let pos = size < k ? size : k - 1;
    while (pos > 0 && bestS[pos - 1] < s) {
      bestS[pos] = bestS[pos - 1];
      bestI[pos] = bestI[pos - 1];
      pos--;
    }
    bestS[pos] = s;
    bestI[pos] = i;
    if (size < k) size++;
  }
  for (let j = 0; j < k; j++) {
    outItems[offset + j] = j < size ? bestI[j] : -1;
    if (outScores) outScores[offset + j] = j < size ? bestS[j] : -Infinity;
  }
  return size;
}

/** For large k relative to n, sorting the valid indices beats insertion (same result and tie order). */
function topKBySort(
  scores: ArrayLike<number>,
  k: number,
  outItems: Int32Array,
  outScores: Float32Array | Float64Array | null,
  offset: number,
): number {
  const idx: number[] = [];
  for (let i = 0; i < scores.length; i++) if (scores[i] > -Infinity) idx.push(i);
  idx.sort((a, b) => scores[b] - scores[a] || a - b);
  const size = Math.min(k, idx.length);
  for (let j = 0; j < k; j++) {
    outItems[offset + j] = j < size ? idx[j] : -1;
    if (outScores) outScores[offset + j] = j < size ? scores[idx[j]] : -Infinity;
  }
  return size;
}
