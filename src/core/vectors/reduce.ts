import { PCA } from 'ml-pca';
import { type DenseMatrix, denseMatrix } from './matrix.js';
import { gaussian, mulberry32 } from './random.js';

/**
 * Dimensionality reduction of item embeddings, as in the extended paper. LDA (needs item
 * class labels, which the Beauty data here does not carry) and the autoencoder are not
 * implemented yet.
 */
export type DimReduction =
  | { readonly method: 'none' }
  | { readonly method: 'pca'; readonly dims: number }
  | { readonly method: 'random'; readonly dims: number; readonly seed: number };

export function reduceDims(m: DenseMatrix, config: DimReduction): DenseMatrix {
  switch (config.method) {
    case 'none':
      return m;
    case 'pca':
      return pcaReduce(m, config.dims);
    case 'random':
      return randomProject(m, config.dims, config.seed);
  }
}

/** PCA (centred, not scaled) via ml-pca's covariance-matrix eigendecomposition. */
export function pcaReduce(m: DenseMatrix, dims: number): DenseMatrix {
  if (dims < 1 || dims > m.cols) throw new RangeError(`PCA to ${dims} dims needs 1 <= dims <= ${m.cols} (the input width)`);
  const rows: number[][] = new Array<number[]>(m.rows);
  for (let r = 0; r < m.rows; r++) rows[r] = Array.from(m.data.subarray(r * m.cols, (r + 1) * m.cols));
  const pca = new PCA(rows, { method: 'covarianceMatrix', center: true, scale: false });
  const projected = pca.predict(rows, { nComponents: dims });
  const out = new Float32Array(m.rows * dims);
  for (let r = 0; r < m.rows; r++) {
    const row = projected.getRow(r);
    for (let c = 0; c < dims; c++) out[r * dims + c] = row[c];
  }
  return denseMatrix(m.rows, dims, out);
}

/**
 * Gaussian random projection (as scikit-learn's GaussianRandomProjection: entries
 * N(0, 1/dims)), seeded. Hand-written: it is one matrix product with a seeded matrix.
 */
export function randomProject(m: DenseMatrix, dims: number, seed: number): DenseMatrix {
  if (dims < 1) throw new RangeError(`random projection needs dims >= 1, got ${dims}`);
  const g = gaussian(mulberry32(seed));
  const scale = 1 / Math.sqrt(dims);
  const proj = new Float32Array(m.cols * dims); // cols x dims
  for (let i = 0; i < proj.length; i++) proj[i] = g() * scale;
  const out = new Float32Array(m.rows * dims);
  for (let r = 0; r < m.rows; r++) {
    for (let c = 0; c < m.cols; c++) {
      const v = m.data[r * m.cols + c];
      if (v === 0) continue;
      const pb = c * dims;
      const ob = r * dims;
      for (let j = 0; j < dims; j++) out[ob + j] += v * proj[pb + j];
    }
  }
  return denseMatrix(m.rows, dims, out);
}
