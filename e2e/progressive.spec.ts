import { expect, test } from '@playwright/test';
import { recItems, seedSession, SEQ_MODELS, waitReady } from './helpers.js';

test('each trained model recommends as soon as its own files arrive; one slow download holds back only the models that need it', async ({ page, request }) => {
  // The hybrid scores with the sequential model its evaluated config names (eval.json): that
  // model's weights are held until every other model has answered.
  const report = (await (await request.get('/models/beauty/eval.json')).json()) as { results: { model: string; config: { sequential?: string } }[] };
  const held = report.results.find((r) => r.model === 'llmseqsim-sequential')?.config.sequential;
  expect(SEQ_MODELS, 'the hybrid names a shipped sequential model').toContain(held);
  let release: () => void = () => {};
  const gate = new Promise<void>((resolve) => (release = resolve));
  await page.route(`**/models/beauty/${held}/weights.bin`, async (route) => {
    await gate;
    await route.continue();
  });
  await seedSession(page);
  await page.goto('/?backend=wasm');
  await waitReady(page);
  const waiting = [held!, 'llmseqsim-sequential'];
  const others = [...SEQ_MODELS, 'llmseqsim-ft', 'v-sknn', 'embedding-ensemble'].filter((m) => !waiting.includes(m));
  for (const m of others) expect((await recItems(page, m)).length, m).toBe(10);
  // The held model and the hybrid over it are still loading, and say so.
  for (const m of waiting) {
    await expect(page.locator(`[data-model="${m}"] [data-testid=model-loading]`), m).toHaveText('Loading…');
    await expect(page.locator(`[data-model="${m}"] [data-testid=rec-item]`), m).toHaveCount(0);
  }
  release();
  for (const m of waiting) {
    expect((await recItems(page, m)).length, m).toBe(10);
    await expect(page.locator(`[data-model="${m}"] [data-testid=model-loading]`), m).toHaveCount(0);
  }
});
