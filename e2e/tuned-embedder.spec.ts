import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { embedCatalog } from '../src/embedders/catalog.js';
import { loadTransformersEmbedder } from '../src/embedders/transformers.js';
import { loadDataset } from '../src/node/dataset-files.js';
import { MODELS_DIR } from '../src/node/paths.js';
import { tunedEmbeddingsName } from '../src/recommenders/tuned-embeddings.js';
import { localVectors, waitReady } from './helpers.js';

test.describe.configure({ timeout: 180_000 });
// page.route does not see requests a service worker answers; this test swaps a file by route.
test.use({ serviceWorkers: 'block' });

const TUNED = tunedEmbeddingsName('beauty');
const TUNED_ONNX = join(MODELS_DIR, TUNED, 'onnx', 'model.onnx');

/**
 * The session-tuned embedder (`train --model llmseqsim-ft`) is a transformers.js model folder
 * like the bundled one. The app's embedding worker loads the bundled folder; here its
 * model.onnx request is answered with the tuned file, so the browser runs the tuned table
 * through the app's own path (onnxruntime-web, WASM). A CSV of 600 Beauty titles and 4 titles
 * the catalog never had must give the same vectors as Node (onnxruntime-node).
 */
test('the tuned embedder runs in the browser and its vectors equal Node\'s, for catalog titles and new ones', async ({ page }) => {
  let served = 0;
  await page.route('**/models/potion-base-4M-int8/onnx/model.onnx', async (route) => {
    served++;
    await route.fulfill({ body: readFileSync(TUNED_ONNX), contentType: 'application/octet-stream' });
  });
  const catalog = loadDataset('beauty').catalog;
  const titles = catalog.titles.filter((t, i) => i % 20 === 0 && t.trim() !== '').slice(0, 600);
  titles.push('bamboo cutting board with juice groove', 'rechargeable bike headlight', 'hyaluronic acid night serum for dry skin', 'Vegan lip balm, 3 pack');
  const csv = `item_id,title\n${titles.map((t, i) => `${i + 1},"${t.replace(/"/g, '""')}"`).join('\n')}\n`;

  await page.addInitScript(() => (window.__llmseqrecKeepVectors = true));
  await page.goto('/');
  await waitReady(page);
  await page.getByTestId('embed-device').selectOption('wasm');
  await page.getByTestId('csv-input').setInputFiles({ name: 'tuned-check.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
  await expect(page.getByTestId('catalog-name')).toHaveText('tuned-check.csv', { timeout: 120_000 });
  expect(served).toBeGreaterThan(0);
  const local = await localVectors(page);

  const node = async (model: string) => (await embedCatalog(titles, await loadTransformersEmbedder({ model, localModelPath: `${MODELS_DIR}/` }))).vectors;
  const tuned = await node(TUNED);
  const original = await node('potion-base-4M-int8');
  expect(local.length).toBe(tuned.data.length);
  const cosRow = (a: Float32Array, b: Float32Array, r: number, d: number) => {
    let s = 0;
    for (let c = 0; c < d; c++) s += a[r * d + c] * b[r * d + c];
    return s; // both unit rows
  };
  let worst = 1;
  let changed = 0;
  for (let r = 0; r < tuned.rows; r++) {
    worst = Math.min(worst, cosRow(local, tuned.data, r, tuned.cols));
    if (cosRow(local, original.data, r, tuned.cols) < 0.99) changed++;
  }
  console.log(`tuned embedder, browser vs Node: worst cosine ${worst.toFixed(6)} over ${tuned.rows} titles; ${changed} rows differ from the bundled model's (cosine < 0.99)`);
  expect(worst).toBeGreaterThan(0.999);
  // The browser really ran the tuned table, not the bundled one.
  expect(changed).toBeGreaterThan(titles.length / 2);
});
