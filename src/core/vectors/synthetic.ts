import { gaussian, mulberry32 } from './random.js';
import { type DenseMatrix, dotBlock, normalizeRows } from './matrix.js';
import { topKInto } from './topk.js';

/**
 * Synthetic unit vectors with the cluster structure of real item embeddings (a random vector
 * for each of `clusters` topics plus per-item noise), for benchmarks and tests of vector
 * indexes. Uniform random vectors would have no neighbourhoods at all, which no real catalog
 * looks like. Deterministic for a seed.
 */
export function clusteredVectors(n: number, dim: number, clusters: number, seed: number, sampleSeed = seed + 1, noise = 0.6): DenseMatrix {
  const gc = gaussian(mulberry32(seed));
  const centers = new Float32Array(clusters * dim);
  for (let i = 0; i < centers.length; i++) centers[i] = gc();
  // The same seed gives the same topics; sampleSeed draws different items (or queries) from them.
  const g = gaussian(mulberry32(sampleSeed));
  const data = new Float32Array(n * dim);
  const pick = mulberry32(sampleSeed ^ 0x9e3779b9);
  for (let r = 0; r < n; r++) {
    const c = Math.floor(pick() * clusters) * dim;
    for (let d = 0; d < dim; d++) data[r * dim + d] = centers[c + d] + noise * g() * Math.sqrt(2);
  }
  return normalizeRows({ rows: n, cols: dim, data });
}

/** Exact top-k by dot product for each query row (brute force, blocks of queries). */
export function exactTopK(queries: DenseMatrix, items: DenseMatrix, k: number): Int32Array {
  const out = new Int32Array(queries.rows * k);
  const B = 16;
  const scores = new Float32Array(B * items.rows);
  for (let q0 = 0; q0 < queries.rows; q0 += B) {
    const nb = Math.min(B, queries.rows - q0);
    dotBlock(queries.data.subarray(q0 * queries.cols, (q0 + nb) * queries.cols), nb, items, scores);
    for (let j = 0; j < nb; j++) topKInto(scores.subarray(j * items.rows, (j + 1) * items.rows), k, out, null, (q0 + j) * k);
  }
  return out;
}

/** |approx ∩ exact| / |exact| for one query's lists. */
export function recallAt(approx: ArrayLike<number>, exact: ArrayLike<number>): number {
  const want = new Set(Array.from(exact).filter((i) => i >= 0));
  if (want.size === 0) return 1;
  let hit = 0;
  for (let i = 0; i < approx.length; i++) if (want.has(approx[i])) hit++;
  return hit / want.size;
}
