import { expect, test } from '@playwright/test';
import { loadTrainedFiles, loadEmbeddings } from '../src/node/artifacts.js';
import { loadDataset } from '../src/node/dataset-files.js';
import { initTfjs } from '../src/node/tfjs-setup.js';
import { buildModel, findModel } from '../src/recommenders/catalogue.js';
import { SEED_SESSION, seedSession, waitReady } from './helpers.js';

test('the shop\'s own small language model writes product names in the browser, each shown with the item it became', async ({ page }) => {
  // Node: the same catalogue entry and files, on tfjs wasm.
  await initTfjs();
  const { catalog } = loadDataset('beauty');
  const trained = await loadTrainedFiles('beauty', catalog.ids.length, ['llmseqprompt']);
  const { vectors } = await loadEmbeddings('beauty', catalog);
  const empty = { ids: new Int32Array(0), offsets: Int32Array.of(0), items: new Int32Array(0), times: new Float64Array(0) };
  const rec = buildModel('llmseqprompt', { train: empty, nItems: catalog.ids.length, embeddings: vectors, trained }, { ...findModel('llmseqprompt')!.defaults, timeBudgetMs: 60_000 });
  const session = Int32Array.from(SEED_SESSION, (id) => catalog.ids.indexOf(id));
  const expected = await rec.recommendAsync!(session, 10); // the app shows 10
  rec.dispose?.();
  expect(expected.generated!.length).toBeGreaterThan(0);

  await seedSession(page);
  await page.goto('/');
  await waitReady(page);
  const column = page.locator('[data-testid=model-column][data-model=llmseqprompt]');
  await expect(column.getByTestId('generative-note')).toContainText('trained from scratch');
  await expect(column.getByTestId('generative-note')).toContainText('not a pretrained LLM');
  const names = column.getByTestId('generated-name');
  await expect(names.first()).toBeVisible({ timeout: 60_000 });
  // What it wrote and what each name became: the catalog item of that name, or the nearest one.
  const shown = await names.evaluateAll((els) => els.map((e) => ({ item: Number(e.getAttribute('data-item')), how: e.getAttribute('data-how'), text: e.textContent ?? '' })));
  for (const s of shown) {
    expect(s.text).toMatch(/^wrote “.+” → (matched|nearest item) /);
    expect(s.text).toContain(catalog.titles[s.item]);
  }
  // The same model, files and seeded sampling as in Node: the same names and items.
  const want = expected.generated!.slice(0, shown.length);
  expect(shown.map((s) => [s.item, s.how])).toEqual(want.map((g) => [g.item, g.how]));
  for (const [i, g] of want.entries()) expect(shown[i].text).toContain(`wrote “${g.text}”`);
  // The list is the generated items, none of them in the session.
  // Polled: the names can show before the list re-renders (CI saw the list empty once).
  const itemsShown = () => column.getByTestId('rec-item').evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-item'))));
  await expect.poll(itemsShown, { timeout: 30_000 }).toEqual(Array.from(expected.items).filter((i) => i >= 0));
  const items = await itemsShown();
  for (const s of session) expect(items).not.toContain(s);
});
