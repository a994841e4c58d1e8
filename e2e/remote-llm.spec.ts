import { expect, test } from '@playwright/test';
import { loadDataset } from '../src/node/dataset-files.js';
import { SEED_SESSION, seedSession, waitReady } from './helpers.js';

const ENDPOINT = 'http://127.0.0.1:4391/v1'; // playwright.config.ts builds the app with it
const CORS = { 'access-control-allow-origin': '*', 'access-control-allow-headers': 'authorization, content-type', 'access-control-allow-methods': 'POST, OPTIONS' };

test('LLMSeqPrompt may ask the configured OpenAI-compatible endpoint: off by default, the page says the session leaves the device, and its names become items', async ({ page }) => {
  const { catalog } = loadDataset('beauty');
  // A title that names exactly one catalog item (the exact-match case).
  const counts = new Map<string, number>();
  for (const t of catalog.titles) counts.set(t, (counts.get(t) ?? 0) + 1);
  const exact = catalog.titles.find((t, i) => i >= 100 && t.length > 10 && counts.get(t) === 1)!;
  const requests: Record<string, unknown>[] = [];
  await page.route(`${ENDPOINT}/completions`, async (route) => {
    if (route.request().method() === 'OPTIONS') return route.fulfill({ status: 204, headers: CORS });
    requests.push(route.request().postDataJSON() as Record<string, unknown>);
    const choices = [` ${exact} ###`, ' Maybelline Great Lash Washable Mascara, Very Black ###', ` ${exact} ###`].map((text, index) => ({ index, text }));
    return route.fulfill({ status: 200, headers: CORS, json: { choices, usage: { prompt_tokens: 40, completion_tokens: 30 } } });
  });
  await seedSession(page);
  await page.goto('/');
  await waitReady(page);
  const column = page.locator('[data-testid=model-column][data-model=llmseqprompt]');
  // Off by default: the local model writes the names; nothing goes to the endpoint.
  await expect(column.getByTestId('generated-name').first()).toBeVisible({ timeout: 60_000 });
  await expect(column.getByTestId('generative-note')).toContainText('on this device');
  expect(requests).toHaveLength(0);

  await column.getByTestId('remote-llm').check();
  await expect(column.getByTestId('remote-note')).toContainText('leave this device');
  await expect(column.getByTestId('remote-note')).toContainText('http://127.0.0.1:4391');
  const names = column.getByTestId('generated-name');
  await expect(names.first()).toContainText(`wrote “${exact}” → matched ${exact}`);
  // The duplicate and the made-up name become the nearest items that are not taken yet.
  await expect(names.nth(1)).toContainText('nearest item');
  await expect(names).toHaveCount(3);
  // The paper's request: the RecSys'23 prompt of the session's item names, n=20, temperature .5, stop "###".
  expect(requests.length).toBeGreaterThan(0);
  const body = requests[requests.length - 1];
  expect(body).toMatchObject({ model: 'ft:babbage-002:shop:beauty', n: 20, temperature: 0.5, top_p: 1, max_tokens: 50, stop: '###' });
  const titles = SEED_SESSION.map((id) => catalog.titles[catalog.ids.indexOf(id)]);
  expect(body.prompt).toBe(`${titles.map((t, i) => `${i + 1}. ${t}`).join(' \n')} \n\n###\n\n`);
});
