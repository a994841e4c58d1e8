import { expect, test } from '@playwright/test';

/** The library from a plain page that imports only the package entry (library-demo.html). */
test('createRecommender + recommend return catalog ids, titles, scores and explanations, fetching only under baseUrl', async ({ page, baseURL }) => {
  const origin = new URL(baseURL!).origin;
  const data: string[] = [];
  const foreign: string[] = [];
  page.on('request', (r) => {
    const u = new URL(r.url());
    if (u.protocol === 'data:' || u.protocol === 'blob:') return;
    if (u.origin !== origin) foreign.push(r.url());
    else if (!u.pathname.startsWith('/assets/') && !u.pathname.startsWith('/src/') && u.pathname !== '/library-demo.html') data.push(u.pathname);
  });
  // Two items of a real Beauty session, by their catalog ids; 99999999 is not in the catalog.
  await page.goto('/library-demo.html?session=5788,12093,99999999&model=llmseqsim');
  const status = page.locator('#status');
  await expect(status).toHaveAttribute('data-model', 'llmseqsim', { timeout: 60_000 });
  await expect(status).toContainText(/llmseqsim on (wasm|webgpu|webgl|cpu): 10 items in \d+\.\d ms/);
  const recs = page.getByTestId('rec');
  await expect(recs).toHaveCount(10);
  const ids = (await recs.evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-id')))));
  // Catalog ids (Beauty's item_id range), never the session's own items.
  for (const id of ids) {
    expect(Number.isInteger(id) && id >= 0 && id < 12101).toBe(true);
    expect([5788, 12093]).not.toContain(id);
  }
  const because = await recs.evaluateAll((els) => els.map((e) => e.getAttribute('data-because')));
  for (const b of because) expect(['5788', '12093']).toContain(b);
  // models(): every model with its validation NDCG@20 from eval.json.
  await expect(page.locator('[data-testid=model][data-name=v-sknn]')).toContainText(/validation NDCG@20 0\.\d{4}/);
  // Every data request stayed under the base URL.
  expect(data.length).toBeGreaterThan(0);
  for (const p of data) expect(p.startsWith('/models/beauty/')).toBe(true);
  expect(foreign).toEqual([]);
});

test('a missing dataset is a typed error naming the file', async ({ page }) => {
  await page.goto('/library-demo.html?dataset=nothing-here');
  const status = page.locator('#status');
  await expect(status).toHaveAttribute('data-error', 'artifact', { timeout: 60_000 });
  await expect(status).toContainText('manifest.json');
});

test('the default model is the best by validation NDCG@20', async ({ page }) => {
  await page.goto('/library-demo.html?session=5788,12093');
  const status = page.locator('#status');
  await expect(status).toHaveAttribute('data-model', /.+/, { timeout: 60_000 });
  const chosen = await status.getAttribute('data-model');
  const rows = await page.getByTestId('model').evaluateAll((els) =>
    els.map((e) => ({ name: e.getAttribute('data-name'), text: e.textContent ?? '' })),
  );
  const scored = rows.flatMap((r) => {
    const m = /validation NDCG@20 (0\.\d+)/.exec(r.text);
    return m ? [{ name: r.name, v: Number(m[1]) }] : [];
  });
  const best = scored.reduce((a, b) => (b.v > a.v ? b : a));
  expect(chosen).toBe(best.name);
});

test('addItem embeds a new title locally and LLMSeqSim recommends it at once (cold start)', async ({ page }) => {
  // The session: item 0, "Eucerin Original Healing Soothing Repair Creme, 16-Ounce Jars (Pack of 2)".
  const title = 'Eucerin Original Healing Soothing Repair Creme, 16-Ounce Jar';
  await page.goto(`/library-demo.html?session=0&model=llmseqsim&add=${encodeURIComponent(title)}`);
  await expect(page.locator('#status')).toHaveAttribute('data-model', 'llmseqsim', { timeout: 60_000 });
  await expect(page.locator('[data-testid=rec][data-id="1000000"]')).toHaveCount(1);
  await expect(page.locator('[data-testid=rec][data-id="1000000"]')).toContainText(title);
});

test('the library serves the generative model too: it waits for LLMSeqPrompt\'s names and returns catalog items', async ({ page }) => {
  await page.goto('/library-demo.html?session=5788,12093,3703&model=llmseqprompt');
  const status = page.locator('#status');
  await expect(status).toHaveAttribute('data-model', 'llmseqprompt', { timeout: 60_000 });
  const ids = await page.getByTestId('rec').evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-id'))));
  expect(ids.length).toBeGreaterThan(0);
  for (const id of ids) expect([5788, 12093, 3703]).not.toContain(id);
});
