import { expect, test } from '@playwright/test';
import { readManifest } from '../src/node/artifacts.js';
import { loadDataset } from '../src/node/dataset-files.js';
import { loadSeqModel } from '../src/node/seq-artifacts.js';
import { initTfjs } from '../src/node/tfjs-setup.js';
import { seqRecommender } from '../src/neural/recommender.js';
import { recItems, SEED_SESSION, SEQ_MODELS, seedSession, waitReady } from './helpers.js';

test('the trained sequential models shipped with the app recommend in the browser what they recommend in Node', async ({ page }) => {
  // Node: the CLI's loading code on tfjs wasm.
  await initTfjs();
  const { catalog } = loadDataset('beauty');
  const entries = readManifest('beauty')?.sequentialModels ?? [];
  expect(entries.map((e) => e.name).sort()).toEqual([...SEQ_MODELS].sort());
  const session = Int32Array.from(SEED_SESSION, (id) => catalog.ids.indexOf(id));
  const expected = new Map<string, number[]>();
  for (const entry of entries) {
    const rec = seqRecommender(loadSeqModel('beauty', entry, catalog.ids.length), entry.name, {});
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
