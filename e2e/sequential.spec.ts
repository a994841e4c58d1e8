import { expect, test } from '@playwright/test';
import { loadTrainedFiles, readManifest } from '../src/node/artifacts.js';
import { loadDataset } from '../src/node/dataset-files.js';
import { initTfjs } from '../src/node/tfjs-setup.js';
import { buildModel } from '../src/recommenders/catalogue.js';
import { recItems, SEED_SESSION, SEQ_MODELS, seedSession, waitReady } from './helpers.js';

test('the trained sequential models shipped with the app recommend in the browser what they recommend in Node', async ({ page }) => {
  // Node: the CLI's loading code on tfjs wasm.
  await initTfjs();
  const { catalog } = loadDataset('beauty');
  const entries = readManifest('beauty')?.sequentialModels ?? [];
  expect(entries.map((e) => e.name).sort()).toEqual([...SEQ_MODELS].sort());
  const session = Int32Array.from(SEED_SESSION, (id) => catalog.ids.indexOf(id));
  const expected = new Map<string, number[]>();
  const trained = await loadTrainedFiles('beauty', catalog.ids.length);
  const empty = { ids: new Int32Array(0), offsets: Int32Array.of(0), items: new Int32Array(0), times: new Float64Array(0) };
  for (const entry of entries) {
    const rec = buildModel(entry.name, { train: empty, nItems: catalog.ids.length, trained }, {});
    expected.set(entry.name, Array.from(rec.recommend(session, 10).items));
    rec.dispose?.();
  }

  // The browser: the same files over HTTP, on the backend the app picks.
  await seedSession(page);
  await page.goto('/');
  await waitReady(page);
  for (const entry of entries) {
    await expect(page.locator(`[data-model="${entry.name}"] h3`)).toContainText(entry.label);
    expect(await recItems(page, entry.name), entry.name).toEqual(expected.get(entry.name));
  }
});
