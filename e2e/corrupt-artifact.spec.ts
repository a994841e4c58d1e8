import { expect, test } from '@playwright/test';
import { recItems, seedSession, waitReady } from './helpers.js';

test('a corrupted embeddings file is named, and the models that do not need it keep working', async ({ page }) => {
  await page.route('**/models/beauty/embeddings.potion-base-4M-int8.int8.bin', async (route) => {
    const res = await route.fetch();
    const body = Buffer.from(await res.body());
    body[1000] ^= 0xff; // one flipped byte
    await route.fulfill({ response: res, body });
  });
  await seedSession(page);
  await page.goto('/');
  await waitReady(page);
  await expect(page.getByTestId('problems')).toContainText(/embeddings\.potion-base-4M-int8\.int8\.bin: checksum mismatch/);
  for (const m of ['llmseqsim', 'sknn-emb']) {
    await expect(page.locator(`[data-model="${m}"] [data-testid=model-unavailable]`)).toContainText('checksum mismatch');
  }
  for (const m of ['v-sknn', 'mostpopular']) expect((await recItems(page, m)).length).toBe(10);
});

test('a missing sessions file is named, and LLMSeqSim keeps working', async ({ page }) => {
  await page.route('**/models/beauty/sessions.bin', (route) => route.fulfill({ status: 404, body: 'gone' }));
  await seedSession(page);
  await page.goto('/');
  await waitReady(page);
  await expect(page.getByTestId('problems')).toContainText('sessions.bin: HTTP 404');
  await expect(page.locator('[data-model="v-sknn"] [data-testid=model-unavailable]')).toContainText('sessions.bin');
  expect((await recItems(page, 'llmseqsim')).length).toBe(10);
});

test('a corrupted transformer weights file is named; that model is unavailable and the others recommend', async ({ page }) => {
  await page.route('**/models/beauty/llm2bert4rec/weights.bin', async (route) => {
    const res = await route.fetch();
    const body = Buffer.from(await res.body());
    body[body.length - 7] ^= 0xff;
    await route.fulfill({ response: res, body });
  });
  await seedSession(page);
  await page.goto('/');
  await waitReady(page);
  await expect(page.getByTestId('problems')).toContainText(/llm2bert4rec\/weights\.bin: checksum mismatch/);
  await expect(page.locator('[data-model="llm2bert4rec"] [data-testid=model-unavailable]')).toContainText('checksum mismatch');
  for (const m of ['bert4rec', 'llmseqsim', 'v-sknn']) expect((await recItems(page, m)).length).toBe(10);
});

test('a malformed entry in the manifest disables only the model it describes', async ({ page }) => {
  await page.route('**/models/beauty/manifest.json', async (route) => {
    const res = await route.fetch();
    const manifest = (await res.json()) as { sequentialModels: { name: string }[] };
    manifest.sequentialModels.find((m) => m.name === 'sasrec')!.name = 'sas rec'; // a space: not a valid name
    await route.fulfill({ response: res, body: JSON.stringify(manifest) });
  });
  await seedSession(page);
  await page.goto('/');
  await waitReady(page);
  await expect(page.getByTestId('problems')).toContainText(/manifest\.json: sequentialModels\[\d\] "sas rec" is malformed and was left out/);
  await expect(page.locator('[data-model="sasrec"]')).toHaveCount(0);
  for (const m of ['llm2sasrec', 'llmseqsim', 'v-sknn']) expect((await recItems(page, m)).length).toBe(10);
});

test('without eval.json the models say they run on their default configurations', async ({ page }) => {
  await page.route('**/models/beauty/eval.json', (route) => route.fulfill({ status: 404, body: 'gone' }));
  await seedSession(page);
  await page.goto('/');
  await waitReady(page);
  await expect(page.getByTestId('problems')).toContainText('eval.json: HTTP 404');
  await expect(page.locator('[data-model="llmseqsim"] [data-testid=model-note]')).toContainText('runs on its default configuration (eval.json did not load)');
  expect((await recItems(page, 'llmseqsim')).length).toBe(10);
});

test('an artifact that never finishes downloading is named, and start-up does not wait for it forever', async ({ page }) => {
  // The embeddings never arrive; the page names them once the download timeout (set short here) passes.
  await page.route('**/models/beauty/embeddings.*.bin', () => new Promise(() => {}));
  await seedSession(page);
  await page.goto('/?timeout=3');
  await waitReady(page);
  await expect(page.getByTestId('problems')).toContainText(/embeddings\.potion-base-4M-int8\.int8\.bin: did not finish downloading within 3 s/);
  expect((await recItems(page, 'v-sknn')).length).toBe(10);
});
