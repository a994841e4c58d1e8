/**
 * `npm run bench:lancedb`: 1M synthetic 128-d unit vectors (clustered like real item
 * embeddings: src/core/vectors/synthetic.ts) written to LanceDB with an IVF_PQ index, as
 * `cli index` does. Reports write and index-build time, query p50/p95 at top-200 (in process,
 * and through the `cli serve` HTTP endpoint), and recall@20 against exact search (brute force
 * in JS): of the exact top-20, the share found in the 200 ANN candidates (what a client
 * re-ranks) and in the ANN top-20. Prints a table and writes bench/results/lancedb.json.
 * BENCH_LANCE_ITEMS changes the size. The table lives in .cache/lancedb-bench.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { clusteredVectors, exactTopK, recallAt } from '../src/core/vectors/synthetic.js';
import { ROOT } from '../src/node/paths.js';
import { fmt, formatTable } from '../src/node/table.js';
import { buildVectorIndex, connect, openVectorIndex, serveCandidates } from '../src/node/vector-index.js';
import { httpCandidateSource } from '../src/recommenders/candidates.js';

const N = Number(process.env.BENCH_LANCE_ITEMS ?? 1_000_000);
const DIM = 128;
const CLUSTERS = 2000;
const QUERIES = Number(process.env.BENCH_LANCE_QUERIES ?? 200);
const K = 200;
const PORT = Number(process.env.BENCH_PORT ?? 4179) + 1;
const NPROBES = (process.env.BENCH_LANCE_NPROBES ?? '10,20,50').split(',').map(Number);

function q(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(p * s.length))];
}
const log = (m: string) => process.stderr.write(`${m}\n`);

let t = performance.now();
const items = clusteredVectors(N, DIM, CLUSTERS, 1);
const queries = clusteredVectors(QUERIES, DIM, CLUSTERS, 1, 12345);
log(`generated ${N} x ${DIM} in ${((performance.now() - t) / 1000).toFixed(1)} s`);
t = performance.now();
const truth = exactTopK(queries, items, 20);
const exactMs = (performance.now() - t) / QUERIES;
log(`exact top-20 (JS brute force): ${exactMs.toFixed(0)} ms per query`);

const dir = join(ROOT, '.cache', 'lancedb-bench');
rmSync(dir, { recursive: true, force: true });
const db = await connect(dir);
const build = await buildVectorIndex(db, 'items', { items: Int32Array.from({ length: N }, (_, i) => i), ids: Int32Array.from({ length: N }, (_, i) => i), vectors: items }, { kind: 'ivf_pq' });
log(`write ${(build.writeMs / 1000).toFixed(1)} s, index ${(build.indexMs / 1000).toFixed(1)} s`);

interface Row {
  nprobes: number;
  refineFactor: number;
  p50: number;
  p95: number;
  candidateRecall20: number;
  top20Recall20: number;
}
const rows: Row[] = [];
for (const nprobes of NPROBES) {
  const index = await openVectorIndex(db, 'items', 'dot', { nprobes, refineFactor: 5 });
  const times: number[] = [];
  let cand = 0;
  let top = 0;
  await index.search(queries.data.slice(0, DIM), K); // open files, warm caches
  for (let i = 0; i < QUERIES; i++) {
    const vec = queries.data.slice(i * DIM, (i + 1) * DIM);
    const a = performance.now();
    const r = await index.search(vec, K);
    times.push(performance.now() - a);
    const want = truth.subarray(i * 20, (i + 1) * 20);
    cand += recallAt(r.items, want);
    top += recallAt(r.items.slice(0, 20), want);
  }
  rows.push({ nprobes, refineFactor: 5, p50: q(times, 0.5), p95: q(times, 0.95), candidateRecall20: cand / QUERIES, top20Recall20: top / QUERIES });
  log(`nprobes ${nprobes}: p50 ${q(times, 0.5).toFixed(1)} ms`);
  index.close();
}

// The same queries through the HTTP endpoint (JSON in/out), default settings.
const index = await openVectorIndex(db, 'items', 'dot', { nprobes: 20, refineFactor: 5 });
const server = await serveCandidates(index, { host: '127.0.0.1', port: PORT, maxK: 1000 });
const source = httpCandidateSource(`http://127.0.0.1:${PORT}`);
const http: number[] = [];
for (let i = 0; i < QUERIES; i++) {
  const a = performance.now();
  await source.candidates(queries.data.slice(i * DIM, (i + 1) * DIM), K);
  http.push(performance.now() - a);
}
await new Promise<void>((r) => server.close(() => r()));
index.close();

console.log(`LanceDB 0.31.0, ${N.toLocaleString('en')} synthetic ${DIM}-d unit vectors (${CLUSTERS} clusters), IVF_PQ (${build.options.partitions ?? Math.round(Math.sqrt(N))} partitions, ${DIM / 8} sub-vectors), dot; ${QUERIES} queries, top-${K}`);
console.log(`write ${fmt(build.writeMs / 1000, 1)} s, index build ${fmt(build.indexMs / 1000, 1)} s; exact search (JS brute force) ${fmt(exactMs, 0)} ms per query`);
console.log(
  formatTable(
    ['nprobes', 'refine', 'query p50 ms', 'p95 ms', 'recall@20 in 200 candidates', 'recall@20 of ANN top-20'],
    rows.map((r) => [String(r.nprobes), String(r.refineFactor), fmt(r.p50, 1), fmt(r.p95, 1), fmt(r.candidateRecall20, 3), fmt(r.top20Recall20, 3)]),
  ),
);
console.log(`through HTTP (POST /v1/candidates, nprobes 20): p50 ${fmt(q(http, 0.5), 1)} ms, p95 ${fmt(q(http, 0.95), 1)} ms`);
mkdirSync(join(ROOT, 'bench', 'results'), { recursive: true });
const out = join(ROOT, 'bench', 'results', 'lancedb.json');
writeFileSync(
  out,
  `${JSON.stringify({ date: new Date().toISOString(), items: N, dim: DIM, clusters: CLUSTERS, queries: QUERIES, k: K, build, exactMsPerQuery: exactMs, rows, http: { p50: q(http, 0.5), p95: q(http, 0.95) } }, null, 2)}\n`,
);
console.log(`wrote ${out}`);
