import { expect, test } from '@playwright/test';
import { SESSION_KEY, waitReady } from './helpers.js';

/**
 * What the app reads back from localStorage is input: validated, bounded, and whatever is
 * dropped or repaired is said on the page. An imported catalog's session belongs to that
 * catalog's content (its hash), not to its file name.
 */
test.describe.configure({ timeout: 120_000 });

async function seed(page: import('@playwright/test').Page, entries: Record<string, string>): Promise<void> {
  await page.addInitScript((e) => {
    if (sessionStorage.getItem('seeded')) return;
    for (const [k, v] of Object.entries(e)) localStorage.setItem(k, v);
    sessionStorage.setItem('seeded', '1');
  }, entries);
}

test('a tampered session and backend setting are repaired with a message', async ({ page }) => {
  await seed(page, {
    [SESSION_KEY]: JSON.stringify([5788, 5788, 'x', 99_999_999, 12093, { a: 1 }, 1.5]),
    'llmseqrec:backend': 'quantum',
  });
  await page.goto('/');
  await waitReady(page);
  await expect(page.getByTestId('session-item')).toHaveCount(2);
  const notes = page.getByTestId('storage-notes');
  await expect(notes).toContainText(
    'The saved session was repaired: dropped 2 values that are not item ids, 2 items not in this catalog, 1 repeated item; 2 items restored.',
  );
  await expect(notes).toContainText('The saved compute backend setting was not one of automatic, webgpu, webgl, wasm, cpu; it was reset to automatic.');
  // The repaired session is what is stored now: a reload is quiet.
  await page.reload();
  await waitReady(page);
  await expect(page.getByTestId('session-item')).toHaveCount(2);
  await expect(page.getByTestId('storage-notes')).toHaveCount(0);
});

test('a long stored session is cut to its 200 most recent items, with a message', async ({ page }) => {
  // 300 distinct real items: the oldest beyond 200 are dropped.
  await seed(page, { [SESSION_KEY]: JSON.stringify(Array.from({ length: 300 }, (_, i) => i)) });
  await page.goto('/');
  await waitReady(page);
  await expect(page.getByTestId('session-item')).toHaveCount(200);
  await expect(page.getByTestId('storage-notes')).toContainText('dropped the oldest 100 items beyond the 200-item limit; 200 items restored.');
});

test('a stored session of 200,000 items is not even parsed: cleared with a message', async ({ page: page2 }) => {
  await seed(page2, { [SESSION_KEY]: JSON.stringify(Array.from({ length: 200_000 }, (_, i) => i % 12_000)) });
  await page2.goto('/');
  await waitReady(page2);
  await expect(page2.getByTestId('storage-notes')).toContainText(/The saved session was [\d,]+ KB, far more than a session holds; it was cleared\./);
  await expect(page2.getByTestId('session-item')).toHaveCount(0);
  await page2.getByTestId('search-input').fill('mascara');
  await expect(page2.getByTestId('search-result').first()).toBeVisible();
});

test('an imported catalog restores its session by content, never another file with the same name', async ({ page }) => {
  await page.goto('/');
  await waitReady(page);
  await page.getByTestId('embed-device').selectOption('wasm');
  const input = page.getByTestId('csv-input');
  const csv = (rows: [string, string][]) => ({ name: 'shop.csv', mimeType: 'text/csv', buffer: Buffer.from(`id,title\n${rows.map((r) => r.join(',')).join('\n')}\n`) });
  const a = csv([['p1', 'Portal'], ['d1', 'Doom'], ['q1', 'Quake'], ['h1', 'Half-Life'], ['m1', 'Myst']]);
  const b = csv([['x1', 'Mascara'], ['x2', 'Lip balm'], ['x3', 'Shampoo'], ['x4', 'Nail polish'], ['x5', 'Soap']]);

  await input.setInputFiles(a);
  await expect(page.getByTestId('catalog-name')).toHaveText('shop.csv', { timeout: 60_000 });
  await expect(page.getByTestId('embeddings-source')).toContainText('computed in this browser');
  await page.getByTestId('search-input').fill('quake');
  await page.getByTestId('search-result').first().getByRole('button').click();
  await page.getByTestId('search-input').fill('myst');
  await page.getByTestId('search-result').first().getByRole('button').click();
  await expect(page.getByTestId('session-item')).toHaveText([/Quake/, /Myst/]);

  // Another file with the same name: its own (empty) session, not A's row positions.
  await input.setInputFiles(b);
  await expect(page.getByTestId('embed-message')).toContainText('shop.csv: 5 items read.');
  await page.getByTestId('search-input').fill('mascara');
  await expect(page.getByTestId('search-result')).toHaveCount(1, { timeout: 60_000 });
  await expect(page.getByTestId('session-item')).toHaveCount(0);

  // The first file again: its session comes back by item id.
  await input.setInputFiles(a);
  await expect(page.getByTestId('session-item')).toHaveText([/Quake/, /Myst/], { timeout: 60_000 });
});

test('a giant title is cut at import with a note', async ({ page }) => {
  await page.goto('/');
  await waitReady(page);
  await page.getByTestId('embed-device').selectOption('wasm');
  const giant = `Giant ${'very long title '.repeat(250_000)}`; // 4 MB
  const text = `item_id,title\n1,Portal\n2,"${giant}"\n3,Doom\n`;
  await page.getByTestId('csv-input').setInputFiles({ name: 'giant.csv', mimeType: 'text/csv', buffer: Buffer.from(text) });
  await expect(page.getByTestId('embed-message')).toContainText(
    'giant.csv: 3 items read. 1 title longer than 1,000 characters was cut to that length (first on line 3).',
  );
  await expect(page.getByTestId('catalog-name')).toHaveText('giant.csv', { timeout: 60_000 });
  await page.getByTestId('search-input').fill('giant');
  await expect(page.getByTestId('search-result')).toHaveCount(1);
  const title = await page.getByTestId('search-result').first().locator('.title').textContent();
  expect(title!.length).toBe(1000);
});
