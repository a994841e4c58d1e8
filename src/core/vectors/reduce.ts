import { EVD, Matrix } from 'ml-matrix';
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

/**
 * PCA (centred, not scaled) by the covariance matrix's eigendecomposition, ml-pca's
 * 'covarianceMatrix' method to the last bit: the same means, the same covariance sums in the
 * same order (float64) and ml-matrix's symmetric EVD. The two products over every row are
 * typed-array loops here: through ml-pca's Matrix objects they took 4-5 s for the Beauty
 * catalog (12,101 x 128) in the app's worker, ahead of every model built after them.
 */
export function pcaReduce(m: DenseMatrix, dims: number): DenseMatrix {
  if (dims < 1 || dims > m.cols) throw new RangeError(`PCA to ${dims} dims needs 1 <= dims <= ${m.cols} (the input width)`);
  const { rows: n, cols: d, data } = m;
  const means = new Float64Array(d);
  for (let r = 0; r < n; r++) for (let c = 0; c < d; c++) means[c] += data[r * d + c];
  for (let c = 0; c < d; c++) means[c] /= n;
  // Centred and transposed (a column per row of d x n): each covariance entry is then one
  // contiguous dot product, summed over the rows in order.
  const columns = new Float64Array(d * n);
  for (let r = 0; r < n; r++) for (let c = 0; c < d; c++) columns[c * n + r] = data[r * d + c] - means[c];
  const covariance = new Matrix(d, d);
  for (let i = 0; i < d; i++) {
    const a = i * n;
    for (let j = i; j < d; j++) {
      const b = j * n;
      let s = 0;
      for (let r = 0; r < n; r++) s += columns[a + r] * columns[b + r];
      covariance.set(i, j, s / (n - 1));
      covariance.set(j, i, s / (n - 1));
    }
  }
  // Eigenvalues come in ascending order: the components are the last columns, largest first.
  const vectors = new EVD(covariance, { assumeSymmetric: true }).eigenvectorMatrix;
  const basis = new Float64Array(dims * d); // a row of d weights per component
  for (let c = 0; c < dims; c++) for (let k = 0; k < d; k++) basis[c * d + k] = vectors.get(k, d - 1 - c);
  const row = new Float64Array(d);
  const out = new Float32Array(n * dims);
  for (let r = 0; r < n; r++) {
    for (let k = 0; k < d; k++) row[k] = data[r * d + k] - means[k]; // (the value `columns` holds, read in row order)
    for (let c = 0; c < dims; c++) {
      const b = c * d;
      let s = 0;
      for (let k = 0; k < d; k++) s += row[k] * basis[b + k];
      out[r * dims + c] = s;
    }
  }
  return denseMatrix(n, dims, out);
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
