import { expect, test } from '@playwright/test';
import { recItems, seedSession, waitReady } from './helpers.js';

test('each trained model recommends as soon as its own files arrive; one slow download holds back only the models that need it', async ({ page }) => {
  // LLM2BERT4Rec's weights are held until the other models have answered.
  let release: () => void = () => {};
  const held = new Promise<void>((resolve) => (release = resolve));
  await page.route('**/models/beauty/llm2bert4rec/weights.bin', async (route) => {
    await held;
    await route.continue();
  });
  await seedSession(page);
  await page.goto('/?backend=wasm');
  await waitReady(page);
  for (const m of ['bert4rec', 'sasrec', 'llm2sasrec', 'gru4rec', 'llm2gru4rec', 'llmseqsim-ft', 'v-sknn', 'embedding-ensemble']) {
    expect((await recItems(page, m)).length, m).toBe(10);
  }
  // LLM2BERT4Rec and the hybrid over it are still loading, and say so.
  for (const m of ['llm2bert4rec', 'llmseqsim-sequential']) {
    await expect(page.locator(`[data-model="${m}"] [data-testid=model-loading]`)).toHaveText('Loading…');
    await expect(page.locator(`[data-model="${m}"] [data-testid=rec-item]`)).toHaveCount(0);
  }
  release();
  for (const m of ['llm2bert4rec', 'llmseqsim-sequential']) {
    expect((await recItems(page, m)).length, m).toBe(10);
    await expect(page.locator(`[data-model="${m}"] [data-testid=model-loading]`)).toHaveCount(0);
  }
});
