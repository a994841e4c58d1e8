import { createRequire } from 'node:module';
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

let gradientsRegistered = false;

/**
 * tfjs-core registers no gradient functions by itself (the app only runs inference); training
 * needs them. Under a bundler (Vitest) the ESM registration module loads; in plain Node its
 * extensionless ESM imports do not resolve, so the union package's CommonJS build registers
 * them (tfjs registries are process-global, shared by every copy of tfjs-core).
 */
export async function registerGradients(): Promise<void> {
  if (gradientsRegistered) return;
  try {
    await import('@tensorflow/tfjs-core/dist/register_all_gradients');
  } catch {
    createRequire(import.meta.url)('@tensorflow/tfjs');
  }
  gradientsRegistered = true;
}
