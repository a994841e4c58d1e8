import { expect, test } from '@playwright/test';
import { recItems, seedSession, waitReady } from './helpers.js';

const LABEL = { webgpu: 'WebGPU', webgl: 'WebGL', wasm: 'WASM', cpu: 'CPU' } as const;
const seen = new Map<string, number[]>();
const seenSeq = new Map<string, number[]>();

for (const backend of ['wasm', 'cpu', 'webgl', 'webgpu'] as const) {
  test(`forced ${backend}: the app says it runs on ${LABEL[backend]} and recommends`, async ({ page }) => {
    test.setTimeout(180_000);
    await seedSession(page);
    await page.goto(`/?backend=${backend}`);
    await waitReady(page);
    await expect(page.getByTestId('backend-name')).toHaveText(LABEL[backend]);
    if (backend === 'webgpu') await expect(page.getByTestId('backend-adapter')).toContainText(/swiftshader|google/i);
    const top = (await recItems(page, 'llmseqsim')).slice(0, 5);
    expect(top).toHaveLength(5);
    seen.set(backend, top);
    for (const [other, items] of seen) expect(top, `${backend} vs ${other}`).toEqual(items);
    // The transformer runs on the same backend and agrees across backends too. On the software
    // GPUs here (SwiftShader behind WebGPU and WebGL) its shaders compile on the CPU after the
    // models before it: 27 s into the page on WebGPU on a 2-core machine, so a longer wait.
    const seq = (await recItems(page, 'llm2bert4rec', 120_000)).slice(0, 5);
    expect(seq).toHaveLength(5);
    seenSeq.set(backend, seq);
    for (const [other, items] of seenSeq) expect(seq, `LLM2BERT4Rec ${backend} vs ${other}`).toEqual(items);
  });
}

test('a lost WebGPU device mid-session falls back, says so, and keeps the session', async ({ page }) => {
  await seedSession(page);
  await page.goto('/?backend=webgpu');
  await waitReady(page);
  await expect(page.getByTestId('backend-name')).toHaveText('WebGPU');
  const before = await recItems(page, 'llmseqsim');
  await page.waitForFunction(() => window.__llmseqrec !== undefined);
  await page.evaluate(() => window.__llmseqrec!.loseDevice());
  await expect(page.getByTestId('backend-name')).not.toHaveText('WebGPU');
  await expect(page.getByTestId('backend-notes')).toContainText('WebGPU device lost');
  await expect(page.getByTestId('session-item')).toHaveCount(3);
  // A new session change is scored on the fallback backend, with the same top items.
  await page.getByTestId('session-item').nth(0).getByRole('button', { name: 'Move down' }).click();
  await page.getByTestId('session-item').nth(0).getByRole('button', { name: 'Move down' }).click();
  await page.getByTestId('session-item').nth(1).getByRole('button', { name: 'Move down' }).click();
  expect((await recItems(page, 'llmseqsim')).slice(0, 5)).toEqual(before.slice(0, 5));
});
