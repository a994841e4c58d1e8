/**
 * `npx tsx bench/seq-dispatch.ts`: how many backend kernels (on a GPU backend: dispatches,
 * each with its own launch overhead) one session costs per shipped sequential model, with the
 * old path (the full tfjs graph at the session's own length) and the app's one-session path
 * (bucket padding; GRU4Rec's recurrence on the CPU). Counted with tf.profile on WASM in Node:
 * the kernel list is the same on every backend. Writes bench/results/seq-dispatch.json.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { loadTrainedFiles, readManifest } from '../src/node/artifacts.js';
import { loadDataset } from '../src/node/dataset-files.js';
import { ROOT } from '../src/node/paths.js';
import { deserializeModel } from '../src/neural/io.js';
import { formatTable } from '../src/node/table.js';
import { initTfjs } from '../src/node/tfjs-setup.js';

await initTfjs();
const DATASET = 'beauty';
const { catalog } = loadDataset(DATASET);
const rows: { model: string; length: number; oldKernels: number; newKernels: number; oldMs: number; newMs: number }[] = [];
const trained = await loadTrainedFiles(DATASET, catalog.ids.length);
for (const entry of readManifest(DATASET)?.sequentialModels ?? []) {
  const files = trained.get(entry.name)!;
  const model = deserializeModel(files.json, files.weights, entry.model.file).freeze();
  for (const length of [3, 10, 20]) {
    const prompt = Array.from({ length }, (_, i) => (i * 97) % catalog.ids.length);
    const count = async (f: () => tf.Tensor) => {
      f().dispose(); // compile / first-call costs out of the way
      const t0 = performance.now();
      const p = await tf.profile(() => f());
      return { kernels: p.kernels.length, ms: performance.now() - t0 };
    };
    const old = await count(() => model.scorePrompts([prompt]));
    const now = await count(() => model.scoreOneSession(prompt));
    rows.push({ model: entry.name, length, oldKernels: old.kernels, newKernels: now.kernels, oldMs: old.ms, newMs: now.ms });
  }
  model.dispose();
}
console.log('Backend kernels per one-session scoring (tf.profile, WASM in Node; on WebGL/WebGPU each is a dispatch)');
console.log(
  formatTable(
    ['model', 'session length', 'kernels before', 'kernels now'],
    rows.map((r) => [r.model, String(r.length), String(r.oldKernels), String(r.newKernels)]),
  ),
);
mkdirSync(join(ROOT, 'bench', 'results'), { recursive: true });
const out = join(ROOT, 'bench', 'results', 'seq-dispatch.json');
writeFileSync(out, `${JSON.stringify({ date: new Date().toISOString(), rows }, null, 2)}\n`);
console.log(`wrote ${out}`);
