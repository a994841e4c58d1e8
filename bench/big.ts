/**
 * `npm run bench:big`: a 100k-item synthetic catalog (bench/big/catalog.ts: titles generated
 * from the Beauty and Games titles, embedded by potion-base-4M-int8, cached under .cache/)
 * scored by LLMSeqSim (the Beauty config from configs/beauty.json) in headless Chromium on
 * tfjs WASM: download/decode/index times, per-session p50/p95, bytes and memory. Prints a
 * table and writes bench/results/big-catalog.json. BENCH_BIG_ITEMS changes the size;
 * BENCH_PORT the preview port. Numbers on a shared 2-core machine are noisy.
 */
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from '@playwright/test';
import { build, preview } from 'vite';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../e2e/chromium.js';
import type { EmbeddingsEntry } from '../src/core/artifacts/manifest.js';
import { sha256Of } from '../src/node/artifacts.js';
import { readBestConfig } from '../src/node/configs.js';
import { ROOT } from '../src/node/paths.js';
import { fmt, formatTable } from '../src/node/table.js';
import { resolveConfig } from '../src/recommenders/catalogue.js';
import { bigCatalog } from './big/catalog.js';

const N = Number(process.env.BENCH_BIG_ITEMS ?? 100_000);
const SESSIONS = Number(process.env.BENCH_SESSIONS ?? 300);
const PORT = Number(process.env.BENCH_PORT ?? 4179);

const cat = await bigCatalog(N);
const pageRoot = join(ROOT, 'bench', 'big');
const outDir = join(ROOT, '.cache', 'bench-big', 'dist');
await build({ root: pageRoot, configFile: false, base: './', logLevel: 'warn', publicDir: false, worker: { format: 'es' }, build: { outDir, emptyOutDir: true, target: 'es2022' } });
mkdirSync(join(outDir, 'data'), { recursive: true });
const binPath = join(cat.dir, cat.embeddingsFile);
copyFileSync(binPath, join(outDir, 'data', 'embeddings.int8.bin'));
const entry: EmbeddingsEntry = {
  file: 'embeddings.int8.bin',
  bytes: cat.bytes,
  sha256: sha256Of(readFileSync(binPath)),
  name: 'potion-base-4M-int8',
  provider: 'transformers.js',
  model: 'public/models/potion-base-4M-int8',
  dtype: 'int8',
  count: cat.count,
  dim: cat.dim,
  pooling: 'mean',
  normalized: true,
  emptyTitleItemIds: [],
};
writeFileSync(join(outDir, 'data', 'entry.json'), JSON.stringify(entry));
const llmseqsimConfig = resolveConfig('llmseqsim', readBestConfig('beauty', 'llmseqsim')?.config ?? {}, 'configs/beauty.json');
writeFileSync(join(outDir, 'data', 'llmseqsim.json'), JSON.stringify(llmseqsimConfig));

const server = await preview({ root: pageRoot, configFile: false, logLevel: 'warn', build: { outDir }, preview: { port: PORT, host: '127.0.0.1', strictPort: true } });
const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: [...CHROMIUM_ARGS, '--enable-precise-memory-info'] });
interface PageResult {
  backend: string;
  downloadBytes: number;
  downloadMs: number;
  decodeMs: number;
  indexMs: number;
  p50: number;
  p95: number;
  jsHeapBytes: number | null;
  tfjsTensorBytes: number;
  float32MatrixBytes: number;
}
let r: PageResult;
try {
  const page = await browser.newPage();
  await page.goto(`http://127.0.0.1:${PORT}/?sessions=${SESSIONS}`);
  await page.waitForFunction(() => window.__bigResult !== undefined || window.__bigError !== undefined, null, { timeout: 600_000 });
  const err = await page.evaluate(() => window.__bigError);
  if (err) throw new Error(`bench page failed: ${err}`);
  r = (await page.evaluate(() => window.__bigResult)) as PageResult;
} finally {
  await browser.close();
  await new Promise<void>((res) => server.httpServer.close(() => res()));
}

const MB = (b: number | null) => (b === null ? 'n/a' : (b / 1e6).toFixed(1));
console.log(`LLMSeqSim over ${N.toLocaleString('en')} synthetic items (${cat.dim}-d, int8) in headless Chromium, tfjs ${r.backend}, ${SESSIONS} random sessions of 1-10 items, top-10`);
console.log(
  formatTable(
    ['items', 'download MB', 'download ms', 'decode ms', 'index ms', 'p50 ms', 'p95 ms', 'tfjs tensors MB', 'float32 matrix MB', 'JS heap growth MB'],
    [[N.toLocaleString('en'), MB(r.downloadBytes), fmt(r.downloadMs, 0), fmt(r.decodeMs, 0), fmt(r.indexMs, 0), fmt(r.p50, 2), fmt(r.p95, 2), MB(r.tfjsTensorBytes), MB(r.float32MatrixBytes), MB(r.jsHeapBytes)]],
  ),
);
console.log(`catalog: generated + embedded in Node in ${cat.embedSeconds.toFixed(0)} s (cached in ${cat.dir}); e.g. "${cat.sample[0]}"`);
mkdirSync(join(ROOT, 'bench', 'results'), { recursive: true });
const out = join(ROOT, 'bench', 'results', 'big-catalog.json');
writeFileSync(out, `${JSON.stringify({ date: new Date().toISOString(), items: N, sessions: SESSIONS, config: llmseqsimConfig, catalog: { ...cat, dir: undefined }, result: r }, null, 2)}\n`);
console.log(`wrote ${out}`);
