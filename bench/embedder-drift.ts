/**
 * `npx tsx bench/embedder-drift.ts`: how far the session-tuned embedder moved from the bundled
 * one, i.e. what tuning cost in "language". For the Beauty catalog: the cosine between each
 * item's original and tuned vector, the share of top-10 title neighbours both agree on (500
 * items), and free-text retrieval: for 8 fixed queries, how many of the 10 nearest titles
 * match the query's keyword pattern. Prints a table and writes bench/results/embedder-drift.json.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DenseMatrix } from '../src/core/vectors/matrix.js';
import { loadTransformersEmbedder } from '../src/embedders/transformers.js';
import { loadEmbeddings } from '../src/node/artifacts.js';
import { loadDataset } from '../src/node/dataset-files.js';
import { MODELS_DIR, ROOT } from '../src/node/paths.js';
import { formatTable } from '../src/node/table.js';
import { TUNED_EMBEDDER_BASE, tunedEmbeddingsName } from '../src/recommenders/tuned-embeddings.js';

const QUERIES: [string, RegExp][] = [
  ['vegan lip balm', /lip balm/i],
  ['nail polish remover', /remover/i],
  ['sunscreen spf 50', /spf|sun/i],
  ['dry shampoo', /dry shampoo/i],
  ['eyelash curler', /curler/i],
  ['beard oil', /beard/i],
  ['hair straightener', /straighten|flat iron/i],
  ['makeup brush set', /brush/i],
];
const catalog = loadDataset('beauty').catalog;
const MODELS = [TUNED_EMBEDDER_BASE, tunedEmbeddingsName('beauty')];
const vectors = await Promise.all(MODELS.map(async (m) => (await loadEmbeddings('beauty', catalog, m)).vectors));
const d = vectors[0].cols;

function scores(m: DenseMatrix, q: ArrayLike<number>): Float32Array {
  const s = new Float32Array(m.rows);
  for (let r = 0; r < m.rows; r++) {
    let x = 0;
    for (let c = 0; c < d; c++) x += q[c] * m.data[r * d + c];
    s[r] = x;
  }
  return s;
}
const top = (s: Float32Array, k: number, skip = -1) =>
  Array.from(s.keys())
    .filter((i) => i !== skip)
    .sort((a, b) => s[b] - s[a] || a - b)
    .slice(0, k);

const same: number[] = [];
for (let r = 0; r < vectors[0].rows; r++) {
  let x = 0;
  for (let c = 0; c < d; c++) x += vectors[0].data[r * d + c] * vectors[1].data[r * d + c];
  same.push(x);
}
same.sort((a, b) => a - b);
let shared = 0;
const N = 500;
for (let k = 0; k < N; k++) {
  const i = Math.floor((k * vectors[0].rows) / N);
  const a = new Set(top(scores(vectors[0], vectors[0].data.subarray(i * d, (i + 1) * d)), 10, i));
  shared += top(scores(vectors[1], vectors[1].data.subarray(i * d, (i + 1) * d)), 10, i).filter((x) => a.has(x)).length;
}
const retrieval: Record<string, number[]> = {};
for (const [mi, model] of MODELS.entries()) {
  const e = await loadTransformersEmbedder({ model, localModelPath: `${MODELS_DIR}/` });
  const qs = await e.embed(QUERIES.map((q) => q[0]));
  retrieval[model] = QUERIES.map(([, re], qi) => top(scores(vectors[mi], qs[qi]), 10).filter((i) => re.test(catalog.titles[i])).length);
}
const q = (p: number) => same[Math.floor(p * (same.length - 1))];
const result = {
  date: new Date().toISOString(),
  sameItemCosine: { p10: q(0.1), median: q(0.5), p90: q(0.9) },
  sharedTop10Neighbours: shared / N / 10,
  queries: QUERIES.map((x) => x[0]),
  relevantInTop10: retrieval,
};
console.log(`same item, original vs tuned vector: cosine p10 ${q(0.1).toFixed(3)}, median ${q(0.5).toFixed(3)}, p90 ${q(0.9).toFixed(3)}`);
console.log(`top-10 title neighbours both models agree on (${N} items): ${(result.sharedTop10Neighbours * 100).toFixed(1)}%`);
console.log(
  formatTable(
    ['query', ...MODELS],
    [...QUERIES.map(([t], i) => [t, ...MODELS.map((m) => `${retrieval[m][i]}/10`)]), ['total', ...MODELS.map((m) => `${retrieval[m].reduce((a, b) => a + b, 0)}/${10 * QUERIES.length}`)]],
  ),
);
const out = join(ROOT, 'bench', 'results', 'embedder-drift.json');
mkdirSync(join(ROOT, 'bench', 'results'), { recursive: true });
writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);
console.log(`wrote ${out}`);
