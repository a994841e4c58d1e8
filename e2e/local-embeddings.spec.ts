import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { loadEmbeddings } from '../src/node/artifacts.js';
import { loadDataset } from '../src/node/dataset-files.js';
import { ROOT } from '../src/node/paths.js';
import { localVectors, recItems, seedSession, waitReady } from './helpers.js';

test.describe.configure({ timeout: 180_000 });

test('embeds the Beauty catalog locally with progress, equal to the CLI vectors, and reuses the IndexedDB cache on reload', async ({ page, baseURL }) => {
  const foreign: string[] = [];
  page.on('request', (r) => {
    const u = new URL(r.url());
    if (!['data:', 'blob:'].includes(u.protocol) && u.origin !== new URL(baseURL!).origin) foreign.push(r.url());
  });
  await page.addInitScript(() => (window.__llmseqrecKeepVectors = true));
  await seedSession(page);
  await page.goto('/');
  await waitReady(page);
  await page.getByTestId('embed-device').selectOption('wasm');
  await page.getByTestId('compute-locally').click();
  await expect(page.getByTestId('embed-progress')).toBeVisible();
  await expect(page.getByTestId('embed-progress')).toContainText(/Embedding 12,101 titles: [\d,]+ \/ 12,101/);
  await expect(page.getByTestId('embeddings-source')).toContainText('computed in this browser: potion-base-4M-int8 on WASM in', { timeout: 120_000 });
  await expect(page.getByTestId('embed-progress')).toHaveCount(0);
  await expect(page.getByTestId('embed-device-used')).toContainText('WASM');
  expect((await recItems(page, 'llmseqsim')).length).toBe(10);

  // Same vectors as the CLI's precomputed ones (stored int8): cosine > 0.999 for every item.
  const local = await localVectors(page);
  const cli = (await loadEmbeddings('beauty', loadDataset('beauty').catalog)).vectors;
  expect(local.length).toBe(cli.data.length);
  let worst = 1;
  for (let r = 0; r < cli.rows; r++) {
    let d = 0;
    let na = 0;
    let nb = 0;
    for (let c = 0; c < cli.cols; c++) {
      const a = local[r * cli.cols + c];
      const b = cli.data[r * cli.cols + c];
      d += a * b;
      na += a * a;
      nb += b * b;
    }
    worst = Math.min(worst, d / Math.sqrt(na * nb));
  }
  expect(worst).toBeGreaterThan(0.999);

  // Second load: the vectors come from IndexedDB, no recompute.
  await page.reload();
  await waitReady(page);
  await page.getByTestId('embed-device').selectOption('wasm');
  await page.getByTestId('compute-locally').click();
  await expect(page.getByTestId('embeddings-source')).toContainText('(from the IndexedDB cache)');
  expect(await page.evaluate(() => window.__llmseqrecEmbed!.fromCache)).toBe(true);
  expect(foreign, 'requests outside the app origin (model, runtime and data are all served locally)').toEqual([]);
});

test('a free-text query finds matching products that can be added', async ({ page }) => {
  await page.goto('/');
  await waitReady(page);
  await page.getByTestId('query-input').fill('vegan lip balm');
  await page.getByTestId('query-input').press('Enter');
  const results = page.getByTestId('query-result');
  await expect(results).toHaveCount(10, { timeout: 60_000 });
  const texts = await results.allTextContents();
  expect(texts.filter((t) => /lip balm/i.test(t)).length).toBeGreaterThanOrEqual(5);
  await results.first().getByRole('button').click();
  await expect(page.getByTestId('session-item')).toHaveCount(1);
  await recItems(page, 'llmseqsim');
});

test('a running catalog embedding can be cancelled and the app stays usable', async ({ page }) => {
  await seedSession(page);
  await page.goto('/');
  await waitReady(page);
  await page.getByTestId('embed-device').selectOption('wasm');
  await page.getByTestId('compute-locally').click();
  await expect(page.getByTestId('embed-progress')).toContainText(/[1-9][\d,]* \/ 12,101/, { timeout: 60_000 });
  await page.getByTestId('embed-cancel').click();
  await expect(page.getByTestId('embed-message')).toContainText('Cancelled');
  await expect(page.getByTestId('embed-progress')).toHaveCount(0);
  await expect(page.getByTestId('embeddings-source')).toContainText('precomputed');
  await page.getByTestId('search-input').fill('nail polish');
  await page.getByTestId('search-result').first().getByRole('button').click();
  await expect(page.getByTestId('session-item')).toHaveCount(4);
  expect((await recItems(page, 'llmseqsim')).length).toBe(10);
});

test('imports the Steam titles from CSV and recommends games with LLMSeqSim only', async ({ page }) => {
  await page.goto('/');
  await waitReady(page);
  await page.getByTestId('embed-device').selectOption('wasm');
  await page.getByTestId('csv-input').setInputFiles(join(ROOT, 'e2e', 'fixtures', 'steam-items.csv'));
  await expect(page.getByTestId('embed-message')).toContainText('steam-items.csv: 11,784 items read.');
  await expect(page.getByTestId('catalog-name')).toHaveText('steam-items.csv', { timeout: 120_000 });
  await page.getByTestId('search-input').fill('portal');
  await page.getByTestId('search-result').first().getByRole('button').click();
  const recs = await recItems(page, 'llmseqsim');
  expect(recs.length).toBe(10);
  for (const m of ['v-sknn', 'llm2bert4rec']) {
    await expect(page.locator(`[data-model="${m}"] [data-testid=model-unavailable]`)).toContainText(
      'trained on beauty sessions; not available for the imported catalog "steam-items.csv"',
    );
  }
  await page.getByTestId('restore-catalog').click();
  await expect(page.getByTestId('catalog-name')).toHaveText('beauty');
  await recItems(page, 'mostpopular');
});

test('malformed catalogs get clear messages with line numbers', async ({ page }) => {
  await page.goto('/');
  await waitReady(page);
  const input = page.getByTestId('csv-input');
  const message = page.getByTestId('embed-message');
  const file = (name: string, text: string | Buffer) => ({ name, mimeType: 'text/csv', buffer: typeof text === 'string' ? Buffer.from(text) : text });

  await input.setInputFiles(file('no-title.csv', 'item_id,name\n1,Portal\n'));
  await expect(message).toContainText('no-title.csv:1: missing column "title" (header has: item_id, name)');
  await input.setInputFiles(file('dups.csv', 'item_id,title\n1,Portal\n2,Doom\n1,Quake\n'));
  await expect(message).toContainText('dups.csv:4: duplicate item_id "1" (first on line 2)');
  await input.setInputFiles(file('empty.csv', ''));
  await expect(message).toContainText('empty.csv:1: the file is empty');
  const huge = test.info().outputPath('huge.csv');
  writeFileSync(huge, Buffer.alloc(50 * 1024 * 1024, 'a'));
  await input.setInputFiles(huge);
  await expect(message).toContainText('huge.csv: is 50.0 MB; catalogs up to 20 MB can be imported');
  // The page stayed responsive throughout.
  await page.getByTestId('search-input').fill('mascara');
  await expect(page.getByTestId('search-result').first()).toBeVisible();

  // Partial rows are reported, not dropped silently; the rest is imported.
  await input.setInputFiles(file('partial.csv', 'item_id,title\n1,Portal 2\n2\n3,\n4,Half-Life 2\n5,Team Fortress 2\n'));
  await expect(message).toContainText('partial.csv: 3 items read. 2 incomplete rows skipped.');
  await expect(message).toContainText('line 3: only 1 field (no title)');
  await expect(message).toContainText('line 4: empty title');
  await expect(page.getByTestId('catalog-name')).toHaveText('partial.csv', { timeout: 60_000 });
});

test('a new item appears in recommendations when it is relevant (cold start)', async ({ page }) => {
  await page.goto('/');
  await waitReady(page);
  await page.getByTestId('search-input').fill('naked bee lip balm');
  await page.getByTestId('search-result').first().getByRole('button').click();
  await expect(page.getByTestId('session-item')).toHaveCount(1);
  const title = 'Naked Bee orange blossom honey lip balm, travel tube';
  await page.getByTestId('new-item-input').fill(title);
  await page.getByTestId('new-item-input').press('Enter');
  await expect(page.getByTestId('embed-message')).toContainText(`Added “${title}”`);
  const column = page.locator('[data-model="llmseqsim"]');
  await expect(column.getByTestId('rec-item').filter({ hasText: title })).toHaveCount(1, { timeout: 60_000 });
  // Session models and the trained transformers cannot know it (no interactions), and keep recommending.
  for (const m of ['v-sknn', 'llm2bert4rec']) {
    await recItems(page, m);
    await expect(page.locator(`[data-model="${m}"] [data-testid=rec-item]`).filter({ hasText: title })).toHaveCount(0);
  }
});

test('the Steam fixture is the shared Steam catalog', () => {
  expect(readFileSync(join(ROOT, 'e2e', 'fixtures', 'steam-items.csv'), 'utf8').split('\n')[0]).toBe('item_id,title,genres,tags,genre_class');
});
