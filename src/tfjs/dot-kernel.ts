import * as tf from '@tensorflow/tfjs-core';
import type { DotKernel, DotKernelFactory, DenseMatrix } from '../core/vectors/matrix.js';

/**
 * The q·Mᵀ scoring product on the active tfjs backend. M is stored transposed (cols x rows)
 * so the product needs no transpose flag (on WASM a transposed matMul skips XNNPACK and is
 * ~10x slower; see notes/tfjs-training-node.md).
 */
export const tfjsDotKernel: DotKernelFactory = (m: DenseMatrix): DotKernel => {
  const mt = tf.tidy(() => tf.transpose(tf.tensor2d(m.data, [m.rows, m.cols])));
  return {
    name: `tfjs-${tf.getBackend()}`,
    dot(queries: Float32Array, nQueries: number, out: Float32Array): void {
      const result = tf.tidy(() => tf.matMul(tf.tensor2d(queries.subarray(0, nQueries * m.cols), [nQueries, m.cols]), mt));
      try {
        out.set(result.dataSync() as Float32Array);
      } finally {
        result.dispose();
      }
    },
    async dotAsync(queries: Float32Array, nQueries: number, out: Float32Array): Promise<void> {
      const result = tf.tidy(() => tf.matMul(tf.tensor2d(queries.subarray(0, nQueries * m.cols), [nQueries, m.cols]), mt));
      try {
        out.set((await result.data()) as Float32Array);
      } finally {
        result.dispose();
      }
    },
    dispose: () => mt.dispose(),
  };
};
