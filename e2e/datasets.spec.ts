import { expect, test } from '@playwright/test';
import { recItems, waitReady } from './helpers.js';

test('the research page switches to Video Games: only then its artifacts load, and its models recommend, its own trained ones too', async ({ page }) => {
  const requests: string[] = [];
  page.on('request', (r) => requests.push(r.url()));
  await page.goto('/');
  await waitReady(page);
  expect(requests.some((u) => u.includes('/models/games/'))).toBe(false);
  await page.getByTestId('dataset-picker').selectOption('games');
  await waitReady(page);
  await page.getByTestId('search-input').fill('zelda');
  const results = page.getByTestId('search-result');
  await expect(results.first()).toContainText(/zelda/i);
  await results.first().getByRole('button', { name: /^Add/ }).click();
  await expect(page.getByTestId('session-item')).toHaveCount(1);
  for (const m of ['v-sknn', 'llmseqsim']) expect((await recItems(page, m)).length).toBe(10);
  // Games' own trained models and tuned embedder (downloaded after the first recommendation) and the hybrid over them.
  for (const m of ['llm2sasrec', 'gru4rec', 'llm2bert4rec', 'bert4rec', 'llmseqsim-sequential', 'llmseqsim-ft']) expect((await recItems(page, m)).length).toBe(10);
  // Games ships every model of the catalogue now (a catalog without a model's artifacts, e.g. an
  // imported CSV, is checked in local-embeddings.spec.ts: only LLMSeqSim is offered there).
  // The choice is kept: a reload stays on Games.
  await page.reload();
  await waitReady(page);
  await expect(page.getByTestId('dataset-picker')).toHaveValue('games');
  await expect(page.getByTestId('session-item')).toHaveCount(1);
  await expect(page.getByTestId('session-item')).toContainText(/zelda/i);
});
