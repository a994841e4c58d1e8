// Probe for bench/experiments/wasm-threads.ts: backend, XNNPACK thread count, one big matMul (wall and CPU ms).
import * as tf from '@tensorflow/tfjs-core';
import { enableWasmThreadsInNode } from './wasm-threads.js';
const threads = Number(process.argv[2] ?? 2);
const wasm = await import('@tensorflow/tfjs-backend-wasm');
if (threads > 1) { enableWasmThreadsInNode(); tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', true); }
wasm.setThreadsCount(threads);
await tf.setBackend('wasm'); await tf.ready();
console.log('backend', tf.getBackend(), 'threads', wasm.getThreadsCount(), await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT'), typeof SharedArrayBuffer);
const a = tf.randomNormal([1024, 64]); const b = tf.randomNormal([64, 12101]);
for (let i = 0; i < 2; i++) tf.matMul(a, b).dispose();
const t = performance.now(); const c = process.cpuUsage();
for (let i = 0; i < 10; i++) tf.matMul(a, b).dispose();
const cu = process.cpuUsage(c);
console.log('matmul wall ms', (performance.now() - t) / 10, 'cpu ms', (cu.user + cu.system) / 1e4);
const r = tf.sum(tf.matMul(a, b)).dataSync()[0]; console.log('sum', r);
process.exit(0);
