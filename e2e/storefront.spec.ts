import { expect, test } from '@playwright/test';

/** The storefront (#/shop) on Beauty: built only on the library (llmseqrec/react). */
test('a visitor searches, views a product, adds it to the cart; the strips follow the session and the cart survives a reload', async ({ page, baseURL }) => {
  const origin = new URL(baseURL!).origin;
  const requests: string[] = [];
  page.on('request', (r) => requests.push(r.url()));

  await page.goto('/#/shop');
  const search = page.getByTestId('shop-search');
  await expect(search).toBeVisible({ timeout: 60_000 });
  // Best sellers before any search (MostPopular through the library).
  await expect(page.getByTestId('product').first()).toBeVisible();

  await search.fill('mascara');
  const products = page.getByTestId('product');
  await expect(products.first()).toContainText(/mascara/i);
  const firstTitle = (await products.first().locator('.card-title').textContent())!;
  await products.first().locator('a').click();

  // The product page, with "You may also like" from the best model by validation.
  await expect(page.getByTestId('product-title')).toHaveText(firstTitle);
  const firstId = (await page.getByTestId('product-page').getAttribute('data-item'))!;
  const strip = page.getByTestId('also-like');
  await expect(strip.getByTestId('strip-item').first()).toBeVisible({ timeout: 60_000 });
  await expect(strip.getByTestId('strip-model')).toContainText(/best validation NDCG@20/);
  const before = await strip.getByTestId('strip-item').evaluateAll((els) => els.map((e) => e.getAttribute('data-item')));
  expect(before.length).toBe(8);

  // Hover explains a suggestion by a viewed item.
  await strip.getByTestId('strip-item').first().hover();
  await expect(strip.getByTestId('strip-item').first().getByTestId('because')).toBeVisible();
  await expect(strip.getByTestId('strip-item').first().getByTestId('because')).toHaveText(`Because you viewed ${firstTitle}`);

  await page.getByTestId('add-to-cart').click();
  await expect(page.getByTestId('cart-link')).toHaveText('Cart (1)');

  // Viewing a suggested product extends the session: the strip changes.
  const next = strip.getByTestId('strip-item').first();
  const nextTitle = (await next.locator('.card-title').textContent())!;
  const nextId = (await next.getAttribute('data-item'))!;
  await next.locator('a').click();
  await expect(page.getByTestId('product-title')).toHaveText(nextTitle);
  await expect
    .poll(async () => (await page.getByTestId('also-like').getByTestId('strip-item').evaluateAll((els) => els.map((e) => e.getAttribute('data-item')))).join(','))
    .not.toBe(before.join(','));
  // Neither viewed product is suggested again.
  const after = await page.getByTestId('also-like').getByTestId('strip-item').evaluateAll((els) => els.map((e) => e.getAttribute('data-item')));
  expect(after).not.toContain(nextId);
  expect(after).not.toContain(firstId);

  // The cart page has its own strip; the cart survives a reload.
  await page.getByTestId('cart-link').click();
  await expect(page.getByTestId('cart-item')).toHaveCount(1);
  await expect(page.getByTestId('cart-item')).toContainText(firstTitle);
  await expect(page.getByTestId('cart-strip').getByTestId('strip-item').first()).toBeVisible();
  await page.reload();
  await expect(page.getByTestId('cart-item')).toHaveCount(1, { timeout: 60_000 });
  await expect(page.getByTestId('cart-item')).toContainText(firstTitle);
  await expect(page.getByTestId('cart-link')).toHaveText('Cart (1)');

  // Only Beauty's artifacts were downloaded (the Games ones are fetched only when chosen), all from this origin.
  const models = requests.filter((u) => u.includes('/models/'));
  expect(models.some((u) => u.includes('/models/beauty/'))).toBe(true);
  expect(models.some((u) => u.includes('/models/games/'))).toBe(false);
  expect(requests.filter((u) => !u.startsWith('data:') && !u.startsWith('blob:') && new URL(u).origin !== origin)).toEqual([]);
});

test('the dataset picker switches the shop to Video Games and downloads its artifacts only then', async ({ page }) => {
  const requests: string[] = [];
  page.on('request', (r) => requests.push(r.url()));
  await page.goto('/#/shop');
  await expect(page.getByTestId('shop-search')).toBeVisible({ timeout: 60_000 });
  expect(requests.some((u) => u.includes('/models/games/'))).toBe(false);
  await page.getByTestId('dataset-picker').selectOption('games');
  await page.getByTestId('shop-search').fill('zelda');
  await expect(page.getByTestId('product').first()).toContainText(/zelda/i, { timeout: 60_000 });
  expect(requests.some((u) => u.includes('/models/games/manifest.json'))).toBe(true);
});
