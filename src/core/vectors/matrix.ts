/** A dense row-major float matrix (rows = items or sessions). */
export interface DenseMatrix {
  readonly rows: number;
  readonly cols: number;
  readonly data: Float32Array;
}

export function denseMatrix(rows: number, cols: number, data?: Float32Array): DenseMatrix {
  const d = data ?? new Float32Array(rows * cols);
  if (d.length !== rows * cols) throw new RangeError(`matrix data has ${d.length} values, expected ${rows}x${cols}`);
  return { rows, cols, data: d };
}

export function rowNorms(m: DenseMatrix): Float32Array {
  const out = new Float32Array(m.rows);
  for (let r = 0; r < m.rows; r++) {
    let s = 0;
    const base = r * m.cols;
    for (let c = 0; c < m.cols; c++) s += m.data[base + c] * m.data[base + c];
    out[r] = Math.sqrt(s);
  }
  return out;
}

/** A copy with every row scaled to unit L2 norm (zero rows stay zero). */
export function normalizeRows(m: DenseMatrix): DenseMatrix {
  const norms = rowNorms(m);
  const out = new Float32Array(m.data.length);
  for (let r = 0; r < m.rows; r++) {
    const inv = norms[r] > 0 ? 1 / norms[r] : 0;
    const base = r * m.cols;
    for (let c = 0; c < m.cols; c++) out[base + c] = m.data[base + c] * inv;
  }
  return { rows: m.rows, cols: m.cols, data: out };
}

/**
 * out[q * m.rows + i] = <queries[q], m[i]> for a block of queries. Items are the outer loop so
 * each item row is read once per block while it is hot in cache; 4-way unrolled inner loop.
 */
export function dotBlock(queries: Float32Array, nQueries: number, m: DenseMatrix, out: Float32Array): void {
  const d = m.cols;
  const n = m.rows;
  const e = m.data;
  for (let i = 0; i < n; i++) {
    const ib = i * d;
    for (let q = 0; q < nQueries; q++) {
      const qb = q * d;
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      let c = 0;
      for (; c + 3 < d; c += 4) {
        s0 += queries[qb + c] * e[ib + c];
        s1 += queries[qb + c + 1] * e[ib + c + 1];
        s2 += queries[qb + c + 2] * e[ib + c + 2];
        s3 += queries[qb + c + 3] * e[ib + c + 3];
      }
      for (; c < d; c++) s0 += queries[qb + c] * e[ib + c];
      out[q * n + i] = s0 + s1 + s2 + s3;
    }
  }
}

/**
 * Computes out[q * rows + i] = <queries[q], M[i]> for a block of queries against a fixed
 * matrix M. The pure-JS kernel works everywhere; a tfjs kernel (WASM/XNNPACK, WebGL, WebGPU)
 * can be plugged in where tfjs is loaded (see src/tfjs/dot-kernel.ts).
 */
export interface DotKernel {
  readonly name: string;
  dot(queries: Float32Array, nQueries: number, out: Float32Array): void;
  /** The same without blocking (GPU backends read results back asynchronously). */
  dotAsync(queries: Float32Array, nQueries: number, out: Float32Array): Promise<void>;
  dispose(): void;
}
export type DotKernelFactory = (m: DenseMatrix) => DotKernel;

export const jsDotKernel: DotKernelFactory = (m) => ({
  name: 'js',
  dot: (queries, nQueries, out) => dotBlock(queries, nQueries, m, out),
  dotAsync: async (queries, nQueries, out) => dotBlock(queries, nQueries, m, out),
  dispose: () => undefined,
});
