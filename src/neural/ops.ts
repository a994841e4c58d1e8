import * as tf from '@tensorflow/tfjs-core';

/**
 * Differentiable building blocks written to avoid tfjs 4.22's slow or missing gradients on
 * the WASM backend (see notes/tfjs-training-node.md):
 * - `tf.gather`'s gradient is missing on wasm (and enormous on cpu): row lookups use a
 *   customGrad whose gradient is a `scatterND` (which sums repeated rows);
 * - `matMul` with transpose flags skips XNNPACK on wasm (~10x slower), and tf.matMul's own
 *   gradient uses those flags: matrix products here transpose explicitly, in both directions.
 */

/** rows of `table` ([V, D]) at `ids` (int32, [M]) -> [M, D], with a scatterND gradient. */
export function lookupRows(table: tf.Tensor2D, ids: tf.Tensor1D): tf.Tensor2D {
  const [V, D] = table.shape;
  const f = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    // Tensors a gradient uses must be saved, or the engine disposes them after the forward pass.
    (args[1] as tf.GradSaveFunc)([ids]);
    return {
      value: tf.gather(args[0] as tf.Tensor, ids),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => tf.scatterND(tf.expandDims(saved[0], 1), dy, [V, D]),
    };
  });
  return f(table) as tf.Tensor2D;
}

function swapLast(x: tf.Tensor): tf.Tensor {
  const r = x.rank;
  const perm = Array.from({ length: r }, (_, i) => i);
  [perm[r - 2], perm[r - 1]] = [perm[r - 1], perm[r - 2]];
  return tf.transpose(x, perm);
}

/** a · b for rank-2..4 tensors (batched over leading dims), gradients without transpose flags. */
export function mm<T extends tf.Tensor>(a: T, b: tf.Tensor): T {
  const f = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const x = args[0] as tf.Tensor3D;
    const y = args[1] as tf.Tensor3D;
    (args[2] as tf.GradSaveFunc)([x, y]);
    return {
      value: tf.matMul(x, y),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [sx, sy] = saved as tf.Tensor3D[];
        return [tf.matMul(dy as tf.Tensor3D, swapLast(sy) as tf.Tensor3D), tf.matMul(swapLast(sx) as tf.Tensor3D, dy as tf.Tensor3D)];
      },
    };
  });
  return f(a, b) as T;
}

/**
 * The tied output layer: h · wᵀ + b for h [M, D], item rows w [C, D] and bias b [C], with the
 * bias folded into the matrix product both ways. Profiled on wasm (M = 1024, C = 12,101, D = 64):
 * XNNPACK packs the right-hand matrix on every call, so hᵀ · dy (packing [M, C]) cost 2.5x the
 * forward product and the bias gradient as a separate sum or GEMV cost as much again; here every
 * product packs a D-wide matrix: dh = dy · w, and [dw | db] = dyᵀ · [h | 1].
 */
export function tiedLogits(h: tf.Tensor2D, w: tf.Tensor2D, b: tf.Tensor1D): tf.Tensor2D {
  const [M, D] = h.shape;
  const C = w.shape[0];
  const f = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [x, rows, bias] = args as tf.Tensor[];
    (args[3] as tf.GradSaveFunc)([x, rows]);
    const wtb = tf.concat([tf.transpose(rows), tf.reshape(bias, [1, C])], 0); // [D + 1, C]
    const xo = tf.concat([x, tf.ones([M, 1])], 1); // [M, D + 1]
    return {
      value: tf.matMul(xo as tf.Tensor2D, wtb as tf.Tensor2D),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [sx, sw] = saved as tf.Tensor2D[];
        const dx = tf.matMul(dy as tf.Tensor2D, sw);
        const g = tf.matMul(tf.transpose(dy) as tf.Tensor2D, tf.concat([sx, tf.ones([M, 1])], 1) as tf.Tensor2D); // [C, D + 1]
        return [dx, tf.slice(g, [0, 0], [C, D]), tf.reshape(tf.slice(g, [0, D], [C, 1]), [C])];
      },
    };
  });
  return f(h, w, b) as tf.Tensor2D;
}

/** a · bᵀ with an explicit transpose (WASM's transposed matMul skips XNNPACK). */
export function mmT<T extends tf.Tensor>(a: T, b: tf.Tensor2D): T {
  return mm(a, tf.transpose(b));
}

/** x · W + b on the last axis of a [..., Din] tensor. */
export function dense(x: tf.Tensor, w: tf.Tensor2D, b?: tf.Tensor1D): tf.Tensor {
  const shape = x.shape;
  const flat = tf.reshape(x, [-1, shape[shape.length - 1]]) as tf.Tensor2D;
  let y: tf.Tensor = mm(flat, w);
  if (b) y = tf.add(y, b);
  return tf.reshape(y, [...shape.slice(0, -1), w.shape[1]]);
}

/** GELU by its sigmoid approximation x·σ(1.702x) (tanh and pow are ~10x slower on wasm). */
export function gelu(x: tf.Tensor): tf.Tensor {
  return tf.mul(x, tf.sigmoid(tf.mul(x, 1.702)));
}

export function layerNorm(x: tf.Tensor, gamma: tf.Tensor1D, beta: tf.Tensor1D, eps = 1e-6): tf.Tensor {
  const axis = x.rank - 1;
  const mean = tf.mean(x, axis, true);
  const centered = tf.sub(x, mean);
  const variance = tf.mean(tf.square(centered), axis, true);
  return tf.add(tf.mul(tf.div(centered, tf.sqrt(tf.add(variance, eps))), gamma), beta);
}

/**
 * Mean cross-entropy of `logits` ([M, C]) at integer `targets` ([M]) without a one-hot, with a
 * hand-written gradient (softmax - onehot) / M. tfjs' own gradient of logSumExp goes through
 * max's gradient, an `equal` broadcast over [M, C] that took 60% of a BERT4Rec step on wasm
 * (1.26 s of 2.1 s at M = 1024, C = 12,101). The probabilities come from one `softmax` (on
 * wasm XNNPACK's vectorised kernel: a third of the time of a separate sub, exp and sum, whose
 * scalar exp alone was ~20% of a SASRec step) and are reused by the gradient. The loss stays
 * exact however small p[target] gets: log-sum-exp = max(x) - log(max(p)), and max(p) >= 1/C
 * never underflows.
 */
export function sparseCrossEntropy(logits: tf.Tensor2D, targets: tf.Tensor1D): tf.Scalar {
  const [M, C] = logits.shape;
  const f = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const x = args[0] as tf.Tensor2D;
    const p = tf.softmax(x);
    const lse = tf.sub(tf.max(x, 1), tf.log(tf.max(p, 1)));
    const flatIdx = tf.add(tf.mul(tf.range(0, M, 1, 'int32'), tf.scalar(C, 'int32')), targets) as tf.Tensor1D;
    const picked = tf.gather(tf.reshape(x, [M * C]), flatIdx);
    const value = tf.mean(tf.sub(lse, picked));
    (args[1] as tf.GradSaveFunc)([p, flatIdx]);
    return {
      value,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [sp, idx] = saved;
        const scale = tf.div(dy, M);
        // (p - onehot) * dy / M: one pass over [M, C], then the M target entries updated in place.
        const g = tf.reshape(tf.mul(sp, scale), [M * C]);
        const atTargets = tf.sub(tf.gather(g, idx), scale);
        return tf.reshape(tf.tensorScatterUpdate(g, tf.expandDims(idx, 1), atTargets), [M, C]);
      },
    };
  });
  return f(logits) as tf.Scalar;
}
