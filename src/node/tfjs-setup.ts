import * as tf from '@tensorflow/tfjs-core';

/**
 * Picks the fastest tfjs backend available to the CLI: `@tensorflow/tfjs-node` when the user
 * has installed it (native TensorFlow, 2-4x faster; it cannot be installed offline), else
 * the WASM backend (XNNPACK SIMD). Never the pure-JS cpu backend for heavy work.
 */
export async function initTfjs(): Promise<string> {
  try {
    const nodeBackend = '@tensorflow/tfjs-node';
    await import(/* @vite-ignore */ nodeBackend);
    if (await tf.setBackend('tensorflow')) return 'tensorflow';
  } catch {
    // not installed: fall through to wasm
  }
  await import('@tensorflow/tfjs-backend-wasm');
  if (!(await tf.setBackend('wasm'))) throw new Error('could not initialise the tfjs wasm backend');
  await tf.ready();
  return tf.getBackend();
}
