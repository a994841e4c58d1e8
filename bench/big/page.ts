/**
 * The big-catalog bench page (built and driven by bench/big.ts): LLMSeqSim with the app's
 * code and config (last item's embedding, dot product, top-k without sorting the catalog) on
 * tfjs WASM, over a synthetic catalog's int8 embeddings. Reports download, decode and index
 * times, per-session p50/p95, and memory (JS heap and tfjs tensors).
 */
import * as tf from '@tensorflow/tfjs-core';
import wasmPlain from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreaded from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import { decodeEmbeddings } from '../../src/core/artifacts/embeddings.js';
import { selectBackend } from '../../src/app/engine/backend.js';
import { fitLlmSeqSim, type LlmSeqSimConfig } from '../../src/recommenders/llmseqsim.js';
import { mulberry32 } from '../../src/core/vectors/random.js';
import { tfjsDotKernel } from '../../src/tfjs/dot-kernel.js';
import type { EmbeddingsEntry } from '../../src/core/artifacts/manifest.js';

declare global {
  interface Window {
    __bigResult?: unknown;
    __bigError?: string;
  }
}

const WASM_PATHS = { 'tfjs-backend-wasm.wasm': wasmPlain, 'tfjs-backend-wasm-simd.wasm': wasmSimd, 'tfjs-backend-wasm-threaded-simd.wasm': wasmThreaded };

function q(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(p * s.length))];
}

function heap(): number | null {
  const m = (performance as Performance & { memory?: { usedJSHeapSize: number } }).memory;
  return m ? m.usedJSHeapSize : null;
}

async function run(): Promise<void> {
  const params = new URLSearchParams(location.search);
  const sessions = Number(params.get('sessions') ?? 300);
  const info = await selectBackend('wasm', WASM_PATHS);
  const config = (await (await fetch('data/llmseqsim.json')).json()) as LlmSeqSimConfig;
  const entry = (await (await fetch('data/entry.json')).json()) as EmbeddingsEntry;
  const heap0 = heap();
  const t0 = performance.now();
  const res = await fetch('data/embeddings.int8.bin');
  const bytes = new Uint8Array(await res.arrayBuffer());
  const t1 = performance.now();
  const { count, dim } = entry;
  const vectors = decodeEmbeddings(bytes, entry);
  const t2 = performance.now();
  const model = fitLlmSeqSim({ train: { ids: new Int32Array(0), offsets: Int32Array.of(0), items: new Int32Array(0), times: new Float64Array(0) }, nItems: count, embeddings: vectors, dotKernel: tfjsDotKernel }, config);
  const t3 = performance.now();
  const rand = mulberry32(42);
  const times: number[] = [];
  const first = await model.recommendAsync!(Int32Array.of(0), 10);
  for (let s = 0; s < sessions; s++) {
    const len = 1 + Math.floor(rand() * 10);
    const session = Int32Array.from({ length: len }, () => Math.floor(rand() * count));
    const a = performance.now();
    const r = await model.recommendAsync!(session, 10, true);
    times.push(performance.now() - a);
    if (r.items[0] < 0) throw new Error('no recommendation');
  }
  window.__bigResult = {
    backend: info.name,
    count,
    dim,
    downloadBytes: bytes.byteLength,
    downloadMs: t1 - t0,
    decodeMs: t2 - t1,
    indexMs: t3 - t2,
    firstTop: Array.from(first.items),
    sessions,
    p50: q(times, 0.5),
    p95: q(times, 0.95),
    jsHeapBytes: heap0 === null ? null : heap()! - heap0,
    tfjsTensorBytes: tf.memory().numBytes,
    float32MatrixBytes: vectors.data.byteLength,
  };
  document.getElementById('out')!.textContent = JSON.stringify(window.__bigResult, null, 2);
}

run().catch((e: unknown) => {
  window.__bigError = e instanceof Error ? e.message : String(e);
});
