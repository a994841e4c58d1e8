import * as tf from '@tensorflow/tfjs-core';
import { denseMatrix, type DenseMatrix } from '../core/vectors/matrix.js';
import { gaussian, mulberry32 } from '../core/vectors/random.js';
import { dense, gelu } from './ops.js';

/**
 * Autoencoder reduction of item embeddings (the extended paper's third reduction beside PCA and
 * random projection), trained with tfjs: centred input -> GELU hidden layer -> `dims` code ->
 * GELU hidden layer -> reconstruction, mean squared error, Adam, seeded init and batch order.
 * Returns the codes of every row. Lives outside src/core because it needs tfjs.
 */
export interface AutoencoderConfig {
  readonly dims: number;
  /** Hidden layer width (default: halfway between the input width and `dims`). */
  readonly hidden?: number;
  readonly epochs: number;
  readonly batchSize: number;
  readonly lr: number;
  readonly seed: number;
}

export const AUTOENCODER_DEFAULTS: Omit<AutoencoderConfig, 'dims'> = { epochs: 40, batchSize: 256, lr: 3e-3, seed: 42 };

export interface AutoencoderResult {
  readonly codes: DenseMatrix;
  /** Reconstruction error as a fraction of the input's variance (0 = perfect). */
  readonly unexplained: number;
}

export async function autoencoderReduce(m: DenseMatrix, config: Partial<AutoencoderConfig> & { dims: number }): Promise<AutoencoderResult> {
  const cfg: AutoencoderConfig = { ...AUTOENCODER_DEFAULTS, ...config };
  if (cfg.dims < 1) throw new RangeError(`autoencoder needs dims >= 1, got ${cfg.dims}`);
  const { rows, cols } = m;
  const H = cfg.hidden ?? Math.max(cfg.dims, Math.round((cols + cfg.dims) / 2));
  const g = gaussian(mulberry32(cfg.seed));
  const init = (fanIn: number, fanOut: number) => {
    const s = Math.sqrt(2 / (fanIn + fanOut)); // Glorot normal
    return tf.variable(tf.tensor2d(Float32Array.from({ length: fanIn * fanOut }, () => g() * s), [fanIn, fanOut]));
  };
  const zeros = (n: number) => tf.variable(tf.zeros([n]) as tf.Tensor1D);
  const w = { e1: init(cols, H), b1: zeros(H), e2: init(H, cfg.dims), b2: zeros(cfg.dims), d1: init(cfg.dims, H), c1: zeros(H), d2: init(H, cols), c2: zeros(cols) };
  const vars = Object.values(w);
  // Centre the columns (as PCA does); the codes are of the centred vectors.
  const mean = new Float32Array(cols);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) mean[c] += m.data[r * cols + c] / rows;
  const centred = new Float32Array(m.data.length);
  let variance = 0;
  for (let i = 0; i < centred.length; i++) {
    centred[i] = m.data[i] - mean[i % cols];
    variance += centred[i] * centred[i];
  }
  variance /= centred.length;
  const x = tf.tensor2d(centred, [rows, cols]);
  const encode = (t: tf.Tensor) => dense(gelu(dense(t, w.e1, w.b1)), w.e2, w.b2);
  const decode = (t: tf.Tensor) => dense(gelu(dense(t, w.d1, w.c1)), w.d2, w.c2);
  const optimizer = tf.train.adam(cfg.lr);
  const rand = mulberry32(cfg.seed ^ 0xae);
  const order = Int32Array.from({ length: rows }, (_, i) => i);
  try {
    for (let epoch = 0; epoch < cfg.epochs; epoch++) {
      for (let i = rows - 1; i > 0; i--) {
        const j = Math.floor(rand() * (i + 1));
        [order[i], order[j]] = [order[j], order[i]];
      }
      for (let b = 0; b < rows; b += cfg.batchSize) {
        tf.tidy(() => {
          const batch = tf.gather(x, tf.tensor1d(order.subarray(b, b + cfg.batchSize), 'int32'));
          const { grads } = tf.variableGrads(() => tf.mean(tf.square(tf.sub(decode(encode(batch)), batch))) as tf.Scalar, vars);
          optimizer.applyGradients(Object.entries(grads).map(([name, tensor]) => ({ name, tensor })));
        });
      }
      await new Promise((r) => setImmediate(r));
    }
    const { codes, mse } = tf.tidy(() => {
      const z = encode(x);
      return { codes: z.dataSync() as Float32Array, mse: tf.mean(tf.square(tf.sub(decode(z), x))).dataSync()[0] };
    });
    return { codes: denseMatrix(rows, cfg.dims, Float32Array.from(codes)), unexplained: mse / Math.max(variance, 1e-12) };
  } finally {
    optimizer.dispose();
    x.dispose();
    vars.forEach((v) => v.dispose());
  }
}
