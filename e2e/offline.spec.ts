import { expect, test } from '@playwright/test';
import { preview } from 'vite';
import { ROOT } from '../src/node/paths.js';
import { recItems, seedSession, waitReady } from './helpers.js';

/**
 * Offline after the first visit: the test serves the built app (the webServer's dist/) from
 * its own `vite preview` on another port, so it can stop that server for real.
 */
const PORT = Number(process.env.E2E_PORT ?? 4173) + 100;
const URL = `http://127.0.0.1:${PORT}/`;

test('after one visit the app recommends with the server stopped, and a corrupt cached artifact is refetched', async ({ browser }) => {
  test.setTimeout(240_000);
  const server = await preview({ root: ROOT, preview: { port: PORT, host: '127.0.0.1', strictPort: true }, logLevel: 'warn' });
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    (server.httpServer as import('node:http').Server).closeAllConnections();
    await server.close();
  };
  const context = await browser.newContext({ serviceWorkers: 'allow' });
  try {
    const page = await context.newPage();
    await seedSession(page);
    await page.goto(URL);
    await waitReady(page);
    const online = await recItems(page, 'llmseqsim');
    expect(online.length).toBe(10);

    // The service worker caches every file the manifest lists (checked against its sha256).
    await page.waitForFunction(() => window.__llmseqrecOffline !== undefined, null, { timeout: 180_000 });
    const first = await page.evaluate(() => window.__llmseqrecOffline!);
    expect(first.files).toBeGreaterThanOrEqual(10);
    expect(first.cached).toBe(first.files);
    // Then the scoring code is loaded once more, for the browser's code cache: once per build.
    await page.waitForFunction(() => window.__llmseqrecCodeWarm !== undefined, null, { timeout: 60_000 });
    expect(await page.evaluate(() => window.__llmseqrecCodeWarm!.result)).toBe('warmed');

    // Corrupt the cached embeddings: the next load must not use them, but refetch the file.
    const flipped = await page.evaluate(async () => {
      const cache = await caches.open('llmseqrec-artifacts');
      for (const key of await cache.keys()) {
        if (!key.url.includes('/embeddings.')) continue;
        const bytes = new Uint8Array(await (await cache.match(key))!.arrayBuffer());
        bytes[1000] ^= 0xff;
        await cache.put(key, new Response(bytes));
        return key.url;
      }
      return null;
    });
    expect(flipped).toMatch(/embeddings\..*\.bin\?v=[0-9a-f]{64}$/);
    await page.reload();
    await waitReady(page);
    expect(await page.evaluate(() => navigator.serviceWorker.controller !== null)).toBe(true);
    expect(await recItems(page, 'llmseqsim')).toEqual(online);
    await expect(page.getByText(/checksum mismatch/)).toHaveCount(0);
    await page.waitForFunction(() => window.__llmseqrecOffline !== undefined, null, { timeout: 60_000 });
    expect(await page.evaluate(() => window.__llmseqrecOffline!)).toEqual(first);
    await page.waitForFunction(() => window.__llmseqrecCodeWarm !== undefined, null, { timeout: 60_000 });
    expect(await page.evaluate(() => window.__llmseqrecCodeWarm!.result)).toBe('already');

    // Stop the server: the next load comes from the service worker alone.
    await stop();
    await expect(fetch(URL)).rejects.toThrow();
    await page.reload();
    await waitReady(page);
    expect(await recItems(page, 'llmseqsim')).toEqual(online);
    for (const m of ['sasrec', 'gru4rec', 'v-sknn']) expect((await recItems(page, m)).length, m).toBe(10);
    await expect(page.getByText(/checksum mismatch|could not be fetched|HTTP \d/)).toHaveCount(0);
  } finally {
    await context.close();
    await stop();
  }
});
