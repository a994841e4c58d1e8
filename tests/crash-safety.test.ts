import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CatalogFile, parseManifest } from '../src/core/artifacts/manifest.js';
import { readManifest, readVerified } from '../src/node/artifacts.js';
import { ROOT } from '../src/node/paths.js';

/**
 * Crash injection: the real CLI is killed (SIGKILL, as a power cut would) in the middle of
 * writing each artifact and the manifest, and between the moves that put them in place
 * (LLMSEQREC_TEST_CRASH, see src/node/atomic-write.ts). After every crash the folder must load
 * as the previous consistent state or the new one, every listed file must match the manifest,
 * and the next run must succeed.
 */
const tsx = join(ROOT, 'node_modules', '.bin', 'tsx');
const cli = join(ROOT, 'src', 'node', 'cli.ts');
const name = `test-crash-${process.pid}`;
const dataDir = join(ROOT, 'data', name);
const outDir = join(ROOT, 'public', 'models', name);
const cacheDir = join(ROOT, '.cache', 'train', name);

function cliRun(args: string[], crash?: string): Promise<{ code: number | null; signal: string | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const env: NodeJS.ProcessEnv = { ...process.env, CI: '1' };
    if (crash) env.LLMSEQREC_TEST_CRASH = crash;
    else delete env.LLMSEQREC_TEST_CRASH;
    // tsx runs the CLI in a child node process: the kill ends that one, and tsx reports its signal.
    const p = spawn(tsx, [cli, ...args, '--dataset', name], { cwd: ROOT, env });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    p.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    p.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

function writeDataset(titlePrefix: string): void {
  mkdirSync(dataDir, { recursive: true });
  const items = ['item_id,title', ...Array.from({ length: 30 }, (_, i) => `${i},${titlePrefix} product ${i}`)];
  const rows = ['session_id,item_id,timestamp'];
  for (let s = 0; s < 120; s++) for (let j = 0; j < 4; j++) rows.push(`${s},${(s * 7 + j) % 30},${1_000_000 + s * 1000 + j}`);
  writeFileSync(join(dataDir, 'items.csv'), `${items.join('\n')}\n`);
  writeFileSync(join(dataDir, 'interactions.csv'), `${rows.join('\n')}\n`);
}

/** Loads the folder as the app and the CLI would: every listed file must match its manifest entry. Returns the catalog's first title. */
async function loadConsistent(): Promise<{ firstTitle: string; embeddings: number; evaluation: boolean }> {
  const m = readManifest(name); // finishes or discards an interrupted transaction
  expect(m).not.toBeNull();
  const refs = [m!.catalog, ...(m!.sessions ? [m!.sessions] : []), ...m!.embeddings, ...(m!.evaluation ? [m!.evaluation] : [])];
  for (const ref of refs) await expect(readVerified(name, ref)).resolves.toBeInstanceOf(Uint8Array);
  // No half-written leftovers next to the artifacts.
  expect(readdirSync(outDir).filter((f) => f.startsWith('.'))).toEqual([]);
  const cat = CatalogFile.parse(JSON.parse(new TextDecoder().decode(await readVerified(name, m!.catalog))));
  return { firstTitle: cat.titles[0], embeddings: m!.embeddings.length, evaluation: Boolean(m!.evaluation) };
}

beforeAll(() => writeDataset('Old'));
afterAll(() => {
  for (const d of [dataDir, outDir, cacheDir]) rmSync(d, { recursive: true, force: true });
});

describe('a crash while writing artifacts leaves the previous state or the new one', () => {
  it('prepare: killed mid-catalog, mid-sessions, mid-manifest and between the moves', async () => {
    expect((await cliRun(['prepare'])).code).toBe(0);
    expect((await loadConsistent()).firstTitle).toBe('Old product 0');
    const points: [string, 'old' | 'new'][] = [
      ['write:catalog.json:100', 'old'],
      ['write:sessions.bin:64', 'old'],
      ['write:manifest.json:50', 'old'],
      ['write:.commit.json:10', 'old'],
      ['commit', 'new'],
      ['renamed:catalog.json', 'new'],
    ];
    let committed = 'Old';
    for (const [point, expected] of points) {
      const next = committed === 'Old' ? 'New' : 'Old';
      writeDataset(next);
      const r = await cliRun(['prepare'], point);
      expect(r.signal ?? r.code, `${point}: the process was killed`).not.toBe(0);
      expect((await loadConsistent()).firstTitle, `after a crash at ${point}`).toBe(`${expected === 'old' ? committed : next} product 0`);
      expect((await cliRun(['prepare'])).code, `the run after a crash at ${point}`).toBe(0);
      expect((await loadConsistent()).firstTitle).toBe(`${next} product 0`);
      committed = next;
    }
  }, 120_000);

  it('embed and report: killed mid-embeddings and mid-eval.json, the old files and manifest still load; the next run succeeds', async () => {
    writeDataset('New');
    expect((await cliRun(['prepare'])).code).toBe(0);
    const killedEmbed = await cliRun(['embed', '--quiet'], 'write:embeddings.potion-base-4M-int8.int8.bin:1000');
    expect(killedEmbed.signal ?? killedEmbed.code).not.toBe(0);
    expect((await loadConsistent()).embeddings).toBe(0);
    expect((await cliRun(['embed', '--quiet'])).code).toBe(0);
    expect((await loadConsistent()).embeddings).toBe(1);

    const killedReport = await cliRun(['report', '--models', 'mostpopular', '--quiet'], 'write:eval.json:200');
    expect(killedReport.signal ?? killedReport.code).not.toBe(0);
    expect(await loadConsistent()).toMatchObject({ embeddings: 1, evaluation: false });
    const killedAfterMove = await cliRun(['report', '--models', 'mostpopular', '--quiet'], 'renamed:eval.json');
    expect(killedAfterMove.signal ?? killedAfterMove.code).not.toBe(0);
    expect(await loadConsistent()).toMatchObject({ embeddings: 1, evaluation: true }); // committed: rolled forward
    expect((await cliRun(['report', '--models', 'mostpopular', '--quiet'])).code).toBe(0);
    const m = parseManifest(readFileSync(join(outDir, 'manifest.json'), 'utf8'));
    expect(m.evaluation?.file).toBe('eval.json');
    expect(m.embeddings).toHaveLength(1);
  }, 120_000);

  it('train: killed while writing a checkpoint, --resume continues from the last whole one', async () => {
    writeDataset('New');
    const cfg = join(dataDir, 'train.json');
    writeFileSync(cfg, JSON.stringify({ dim: 8, batchSize: 64, lr: 0.01, dropout: 0, patience: 5, valMax: 50 }));
    expect((await cliRun(['prepare'])).code).toBe(0);
    const first = await cliRun(['train', '--model', 'gru4rec', '--config', cfg, '--epochs', '1', '--quiet']);
    expect(first.code, first.stderr).toBe(0);
    const killed = await cliRun(['train', '--model', 'gru4rec', '--config', cfg, '--epochs', '2', '--resume', '--quiet'], 'write:checkpoint.ckpt:300');
    expect(killed.signal ?? killed.code).not.toBe(0);
    expect(killed.stdout).toMatch(/epoch 2:/);
    const resumed = await cliRun(['train', '--model', 'gru4rec', '--config', cfg, '--epochs', '2', '--resume', '--quiet']);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stderr).toContain('resuming after epoch 1');
    expect(resumed.stdout).toMatch(/epoch 2:/);
    expect(readdirSync(join(cacheDir, 'gru4rec')).filter((f) => f.endsWith('.tmp'))).toEqual([]); // the torn temporary file was swept
    expect(existsSync(join(cacheDir, 'gru4rec', 'checkpoint.ckpt'))).toBe(true);
  }, 180_000);
});
