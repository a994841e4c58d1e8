import type { DenseMatrix } from './matrix.js';
import { mulberry32 } from './random.js';

/**
 * k-means (k-means++ seeding, Lloyd iterations, squared euclidean distance), seeded, for the
 * extension's Classify variant (200 clusters of item embeddings). Hand-written on typed arrays:
 * the npm k-means packages take arrays of JS arrays (12k x 128 objects) and are unseeded.
 */
export interface KMeansResult {
  /** k x dim centroids. */
  readonly centers: DenseMatrix;
  /** The cluster of each row. */
  readonly labels: Int32Array;
}

function dist2(a: Float32Array, ai: number, b: Float32Array, bi: number, d: number): number {
  let s = 0;
  for (let c = 0; c < d; c++) {
    const x = a[ai + c] - b[bi + c];
    s += x * x;
  }
  return s;
}

export function kMeans(m: DenseMatrix, k: number, options: { seed?: number; iterations?: number } = {}): KMeansResult {
  const { rows: n, cols: d, data } = m;
  if (k < 1 || k > n) throw new RangeError(`k-means: k=${k} must be between 1 and the ${n} rows`);
  const rand = mulberry32(options.seed ?? 0);
  const centers = new Float32Array(k * d);
  // k-means++: each next center drawn with probability proportional to its squared distance.
  const first = Math.floor(rand() * n);
  centers.set(data.subarray(first * d, (first + 1) * d), 0);
  const nearest = new Float64Array(n).fill(Infinity);
  for (let c = 1; c < k; c++) {
    let total = 0;
    for (let i = 0; i < n; i++) {
      const dd = dist2(data, i * d, centers, (c - 1) * d, d);
      if (dd < nearest[i]) nearest[i] = dd;
      total += nearest[i];
    }
    let u = rand() * total;
    let pick = n - 1;
    for (let i = 0; i < n; i++) {
      u -= nearest[i];
      if (u <= 0) {
        pick = i;
        break;
      }
    }
    centers.set(data.subarray(pick * d, (pick + 1) * d), c * d);
  }
  const labels = new Int32Array(n);
  const sums = new Float64Array(k * d);
  const counts = new Int32Array(k);
  for (let it = 0; it < (options.iterations ?? 20); it++) {
    let changed = 0;
    for (let i = 0; i < n; i++) {
      let best = 0;
      let bestD = Infinity;
      for (let c = 0; c < k; c++) {
        const dd = dist2(data, i * d, centers, c * d, d);
        if (dd < bestD) [best, bestD] = [c, dd];
      }
      if (labels[i] !== best || it === 0) changed++;
      labels[i] = best;
    }
    sums.fill(0);
    counts.fill(0);
    for (let i = 0; i < n; i++) {
      counts[labels[i]]++;
      for (let c = 0; c < d; c++) sums[labels[i] * d + c] += data[i * d + c];
    }
    for (let c = 0; c < k; c++) {
      if (counts[c] === 0) continue; // an empty cluster keeps its center
      for (let j = 0; j < d; j++) centers[c * d + j] = sums[c * d + j] / counts[c];
    }
    if (changed === 0) break;
  }
  return { centers: { rows: k, cols: d, data: centers }, labels };
}

/** Cluster indices sorted by euclidean distance of their center to vector `q`, nearest first. */
export function nearestCenters(centers: DenseMatrix, q: Float32Array, qi = 0): number[] {
  const dists = Array.from({ length: centers.rows }, (_, c) => dist2(centers.data, c * centers.cols, q, qi, centers.cols));
  return dists.map((_, c) => c).sort((a, b) => dists[a] - dists[b] || a - b);
}
