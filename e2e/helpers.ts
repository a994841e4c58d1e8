import { expect, type Page } from '@playwright/test';

export const SESSION_KEY = 'llmseqrec:session:beauty';
/** Three items of a real Beauty training session (dataset ids). */
export const SEED_SESSION = [5788, 12093, 3703];

export async function seedSession(page: Page, ids: number[] = SEED_SESSION): Promise<void> {
  await page.addInitScript(
    ([key, value]) => {
      if (!sessionStorage.getItem('seeded')) {
        localStorage.setItem(key, value);
        sessionStorage.setItem('seeded', '1');
      }
    },
    [SESSION_KEY, JSON.stringify(ids)] as const,
  );
}

export async function waitReady(page: Page): Promise<void> {
  await expect(page.getByTestId('search-input')).toBeVisible({ timeout: 60_000 });
}

/** Item indices recommended by a model, once its column has results (within `timeout` ms; the config's by default). */
export async function recItems(page: Page, model: string, timeout?: number): Promise<number[]> {
  const items = page.locator(`[data-testid=model-column][data-model="${model}"] [data-testid=rec-item]`);
  await expect(items.first()).toBeVisible(timeout === undefined ? {} : { timeout });
  return (await items.evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-item')))));
}

/** The trained sequential models shipped in public/models/beauty (tfjs, scored on the selected backend). */
export const SEQ_MODELS = ['bert4rec', 'llm2bert4rec', 'sasrec', 'llm2sasrec', 'gru4rec', 'llm2gru4rec'];
/** The hybrids of the extension paper (LLMSeqSim&Sequential is shown because the sequential model its eval.json config names is shipped). */
export const HYBRIDS = ['embedding-ensemble', 'llmseqsim-sequential', 'llmseqsim-popularity'];
export const ALL_MODELS = ['llmseqsim', 'llmseqsim-ft', ...SEQ_MODELS, 'llmseqprompt', ...HYBRIDS, 'v-sknn', 'sknn-emb', 'sf-sknn', 's-sknn', 'sknn', 'mostpopular'];

/** The vectors of the page's last local catalog embedding (kept when __llmseqrecKeepVectors is set). */
export async function localVectors(page: Page): Promise<Float32Array> {
  const b64 = await page.evaluate(() => {
    const v = window.__llmseqrecEmbed!.vectors!;
    const bytes = new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
    let s = '';
    for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
    return btoa(s);
  });
  const buf = Buffer.from(b64, 'base64');
  return new Float32Array(buf.buffer, buf.byteOffset, buf.byteLength / 4);
}
