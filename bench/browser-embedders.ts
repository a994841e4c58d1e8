/**
 * `npx tsx bench/browser-embedders.ts`: local catalog embedding speed in the browser, the
 * bundled potion-base-4M-int8 next to the session-tuned model (`train --model llmseqsim-ft`).
 * Builds and serves the app, drives Debian's Chromium, and for each model embeds the 12,101
 * Beauty titles through the app's own worker on WASM ("Compute embeddings locally"), twice
 * per model in alternating order (the machine is shared, so one run is noisy). The tuned model
 * is served in place of the bundled model.onnx (same tokenizer and graph; only the table
 * differs). titles/s excludes the model/runtime load. Prints a table and writes
 * bench/results/browser-embedders.json with each model's file bytes.
 */
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from '@playwright/test';
import { build, preview } from 'vite';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../e2e/chromium.js';
import { MODELS_DIR, ROOT } from '../src/node/paths.js';
import { fmt, formatTable } from '../src/node/table.js';
import { tunedEmbeddingsName } from '../src/recommenders/tuned-embeddings.js';

const PORT = Number(process.env.BENCH_PORT ?? 4187);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);
const MODELS = ['potion-base-4M-int8', tunedEmbeddingsName('beauty')];
const onnx = (m: string) => join(MODELS_DIR, m, 'onnx', 'model.onnx');
for (const m of MODELS) if (!existsSync(onnx(m))) throw new Error(`${onnx(m)} not found`);

await build({ root: ROOT, logLevel: 'warn' });
const server = await preview({ root: ROOT, preview: { port: PORT, host: '127.0.0.1', strictPort: true }, logLevel: 'warn' });
const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
const runs: { model: string; round: number; device: string; titles: number; ms: number; loadMs: number; titlesPerSecond: number }[] = [];
try {
  for (let round = 1; round <= ROUNDS; round++) {
    for (const model of round % 2 ? MODELS : [...MODELS].reverse()) {
      const context = await browser.newContext();
      const page = await context.newPage();
      if (model !== MODELS[0]) {
        const body = readFileSync(onnx(model));
        await page.route('**/models/potion-base-4M-int8/onnx/model.onnx', (r) => r.fulfill({ body, contentType: 'application/octet-stream' }));
      }
      await page.goto(`http://127.0.0.1:${PORT}/`);
      await page.getByTestId('search-input').waitFor({ timeout: 120_000 });
      await page.getByTestId('embed-device').selectOption('wasm');
      await page.getByTestId('compute-locally').click();
      await page.waitForFunction(() => window.__llmseqrecEmbed !== undefined, null, { timeout: 600_000 });
      const e = await page.evaluate(() => window.__llmseqrecEmbed!);
      runs.push({ model, round, device: e.device, titles: e.count, ms: e.ms, loadMs: e.loadMs, titlesPerSecond: e.count / ((e.ms - e.loadMs) / 1000) });
      console.error(`${model} round ${round}: ${runs[runs.length - 1].titlesPerSecond.toFixed(0)} titles/s`);
      await context.close();
    }
  }
} finally {
  await browser.close();
  await new Promise<void>((r) => server.httpServer.close(() => r()));
}
const bytes = Object.fromEntries(MODELS.map((m) => [m, statSync(onnx(m)).size]));
console.log('Local embedding of the 12,101 Beauty titles in headless Chromium (app worker, transformers.js on WASM, no cache); titles/s excludes the model/runtime load');
console.log(
  formatTable(
    ['model', 'round', 'ran on', 'onnx bytes', 'load s', 'embedding s', 'titles/s'],
    runs.map((r) => [r.model, String(r.round), r.device, String(bytes[r.model]), fmt(r.loadMs / 1000, 1), fmt((r.ms - r.loadMs) / 1000, 1), fmt(r.titlesPerSecond, 0)]),
  ),
);
const out = join(ROOT, 'bench', 'results', 'browser-embedders.json');
mkdirSync(join(ROOT, 'bench', 'results'), { recursive: true });
writeFileSync(out, `${JSON.stringify({ date: new Date().toISOString(), bytes, runs }, null, 2)}\n`);
console.log(`wrote ${out}`);
