import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, type Page, test } from '@playwright/test';
import { E2E_CANDIDATES_PORT } from '../playwright.config.js';

/**
 * Candidates from a vector index outside the browser: a real LanceDB table of Beauty's item
 * vectors (`cli index`) behind a real `cli serve`, reached through the app origin's /vectors
 * proxy; the library re-ranks what it returns on the device.
 */
const dir = mkdtempSync(join(tmpdir(), 'llmseqrec-e2e-lance-'));
let server: ChildProcess | null = null;

/** `node --import tsx src/node/cli.ts ...` (not npx: the server must be the process afterAll stops). */
const cli = (...args: string[]): string[] => ['--import', 'tsx', 'src/node/cli.ts', ...args, '--dataset', 'beauty', '--uri', join(dir, 'db')];
const info = `http://127.0.0.1:${E2E_CANDIDATES_PORT}/v1/info`;

async function listening(): Promise<boolean> {
  try {
    return (await fetch(info)).ok;
  } catch {
    return false;
  }
}

test.beforeAll(async () => {
  test.setTimeout(120_000);
  if (await listening()) throw new Error(`something already answers ${info} (a cli serve left running?)`);
  execFileSync(process.execPath, cli('index', '--kind', 'ivf_flat', '--metric', 'dot'), { stdio: 'pipe' });
  server = spawn(process.execPath, cli('serve', '--metric', 'dot', '--port', String(E2E_CANDIDATES_PORT)), { stdio: 'ignore' });
  for (let i = 0; !(await listening()); i++) {
    if (i > 240 || server.exitCode !== null) throw new Error(`cli serve did not answer ${info}`);
    await new Promise((r) => setTimeout(r, 250));
  }
});

test.afterAll(() => {
  server?.kill();
  rmSync(dir, { recursive: true, force: true });
});

interface Served {
  ids: number[];
  scores: number[];
}

/** Opens the library demo page and returns what the endpoint sent and what the page shows. */
async function run(page: Page, query: string): Promise<{ sent: { vector: number[]; k: number }[]; served: Served[]; ids: number[] }> {
  const sent: { vector: number[]; k: number }[] = [];
  const served: Served[] = [];
  page.on('request', (r) => {
    if (r.url().includes('/v1/candidates')) sent.push(r.postDataJSON() as { vector: number[]; k: number });
  });
  // Passed through to the real server; its answer is kept (the page disposes the worker at once).
  await page.route('**/vectors/v1/candidates', async (route) => {
    const response = await route.fetch();
    if (response.ok()) served.push((await response.json()) as Served);
    await route.fulfill({ response });
  });
  await page.goto(`/library-demo.html?${query}`);
  await expect(page.locator('#status')).toHaveAttribute('data-model', /.+/, { timeout: 60_000 });
  const ids = await page.getByTestId('rec').evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-id'))));
  return { sent, served, ids };
}

test('LLMSeqSim re-ranks the index\'s candidates on the device: the same order LanceDB gives (last item, dot)', async ({ page }) => {
  const { sent, served, ids } = await run(page, 'session=5788,12093&model=llmseqsim&candidates=/vectors&n=50');
  const status = page.locator('#status');
  await expect(status).toHaveAttribute('data-reranked', 'true');
  await expect(status).toHaveAttribute('data-candidates', '50');
  await expect(status).toContainText('re-ranked 50 candidates from http://127.0.0.1');
  // The session's embedding (Beauty's LLMSeqSim: the last item's 128-d vector) went to the index.
  expect(sent).toHaveLength(1);
  expect(sent[0].vector).toHaveLength(128);
  expect(sent[0].k).toBe(50);
  // Re-ranked by the same dot product, the top 10 are the index's own first 10, session items left out.
  const expected = served[0].ids.filter((id) => id !== 5788 && id !== 12093).slice(0, 10);
  expect(ids).toEqual(expected);
});

test('a sequential model scores only the candidates; a model that cannot re-rank scores the catalog and says so', async ({ page }) => {
  const seq = await run(page, 'session=5788,12093,3703&model=llm2sasrec&candidates=/vectors&n=100');
  await expect(page.locator('#status')).toHaveAttribute('data-reranked', 'true');
  expect(seq.ids).toHaveLength(10);
  for (const id of seq.ids) expect(seq.served[0].ids).toContain(id);
  for (const id of seq.ids) expect([5788, 12093, 3703]).not.toContain(id);

  const knn = await run(page, 'session=5788,12093,3703&model=v-sknn&candidates=/vectors&n=100');
  await expect(page.locator('#status')).toHaveAttribute('data-reranked', 'false');
  await expect(page.locator('#status')).toContainText('did not re-rank (scored the whole catalog)');
  expect(knn.ids).toHaveLength(10);
});

test('an endpoint that fails leaves the recommendations to the whole catalog, and the result says why', async ({ page }) => {
  const { ids } = await run(page, 'session=5788,12093&model=llmseqsim&candidates=/vectors/nothing-here');
  const status = page.locator('#status');
  await expect(status).toContainText(/the candidates request failed \(.*HTTP 404: no route GET \/nothing-here\/v1\/info/);
  await expect(status).toHaveAttribute('data-candidates', '0');
  expect(ids).toHaveLength(10);
});

test('an index of another dataset is refused (its rows would name other items): the catalog is scored and the result says why', async ({ page }) => {
  // The Beauty index behind /vectors, asked for by a page on the Games dataset.
  const { ids } = await run(page, 'dataset=games&session=0,1&model=llmseqsim&candidates=/vectors');
  const status = page.locator('#status');
  await expect(status).toContainText(/the candidates request failed \(the index has 12101 rows of 128 dims, the catalog "games" 16859 items of 128 dims/);
  expect(ids).toHaveLength(10);
});
