import { expect, test } from '@playwright/test';
import { recItems, seedSession, waitReady } from './helpers.js';

// This project launches Chromium without --enable-unsafe-webgpu: there is no WebGPU adapter.
test('WebGPU forced but unavailable: falls back, says so, and still recommends', async ({ page }) => {
  await seedSession(page);
  await page.goto('/?backend=webgpu');
  await waitReady(page);
  await expect(page.getByTestId('backend-name')).not.toHaveText('WebGPU');
  await expect(page.getByTestId('backend-notes')).toContainText(/webgpu unavailable/i);
  expect((await recItems(page, 'llmseqsim')).length).toBe(10);
});

test('automatic choice without WebGPU says why and uses WASM', async ({ page }) => {
  await seedSession(page);
  await page.goto('/?backend=auto');
  await waitReady(page);
  await expect(page.getByTestId('backend-name')).toHaveText('WASM');
  await expect(page.getByTestId('backend-notes')).toContainText('WebGPU unavailable');
  await recItems(page, 'v-sknn');
});
