import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../src/node/paths.js';

const run = promisify(execFile);
const tsx = join(ROOT, 'node_modules', '.bin', 'tsx');
const cli = join(ROOT, 'src', 'node', 'cli.ts');
const dir = mkdtempSync(join(tmpdir(), 'cli-'));

async function cliRun(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const r = await run(tsx, [cli, ...args], { cwd: ROOT, env: { ...process.env, CI: '1' } });
    return { code: 0, ...r };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

interface ResultJson {
  sessions: number;
  metrics: Record<string, number>;
  ci: Record<string, [number, number]>;
}

describe('the command line on the bundled Beauty data', () => {
  it('evaluate --model writes the documented JSON, and --recs scores exported lists identically', async () => {
    const a = join(dir, 'vsknn.json');
    const recs = join(dir, 'vsknn-recs.json');
    const r1 = await cliRun(['evaluate', '--dataset', 'beauty', '--model', 'v-sknn', '--json', a, '--write-recs', recs, '--quiet']);
    expect(r1.code).toBe(0);
    const res = JSON.parse(readFileSync(a, 'utf8')) as ResultJson;
    expect(res.sessions).toBe(4469);
    expect(Object.keys(res.metrics).sort()).toEqual(
      ['NDCG', 'HitRate', 'MRR', 'CatalogCoverage', 'Serendipity', 'Novelty'].flatMap((m) => [`${m}@10`, `${m}@20`]).sort(),
    );
    expect(res.metrics['NDCG@20']).toBeGreaterThan(0.03); // paper: .0475; MostPopular .0064
    // A 95% bootstrap interval beside every metric but the set metric CatalogCoverage, around the value.
    expect(Object.keys(res.ci).sort()).toEqual(Object.keys(res.metrics).filter((k) => !k.startsWith('CatalogCoverage')).sort());
    for (const [key, [lo, hi]] of Object.entries(res.ci)) {
      expect(lo).toBeLessThan(res.metrics[key]);
      expect(hi).toBeGreaterThan(res.metrics[key]);
    }

    // Drop one session and add a non-test one: the file must say so, and score the rest as given.
    const lists = JSON.parse(readFileSync(recs, 'utf8')) as Record<string, number[]>;
    const b = join(dir, 'recs-result.json');
    const r2 = await cliRun(['evaluate', '--dataset', 'beauty', '--recs', recs, '--json', b]);
    expect(r2.code).toBe(0);
    const again = JSON.parse(readFileSync(b, 'utf8')) as ResultJson & { missingSessions: number; ignoredSessions: number };
    expect(again.metrics).toEqual(res.metrics);
    expect(again.ci).toEqual(res.ci);
    expect(again.missingSessions).toBe(0);

    const firstKey = Object.keys(lists)[0];
    delete lists[firstKey];
    lists['0'] = [1, 2, 3]; // session 0 is a training session
    const edited = join(dir, 'edited.json');
    writeFileSync(edited, JSON.stringify(lists));
    const r3 = await cliRun(['evaluate', '--dataset', 'beauty', '--recs', edited]);
    expect(r3.stdout).toContain('1 missing from the file (scored as empty lists); 1 entries ignored (not test sessions)');
  }, 120_000);

  it('evaluate --baseline runs a paired test: MostPopular is significantly worse than V-SKNN', async () => {
    const a = join(dir, 'vs-baseline.json');
    const r = await cliRun(['evaluate', '--dataset', 'beauty', '--model', 'mostpopular', '--baseline', 'v-sknn', '--json', a, '--quiet']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('against v-sknn');
    const res = JSON.parse(readFileSync(a, 'utf8')) as ResultJson & {
      model: string;
      baseline: ResultJson & { model: string; comparison: Record<string, { diff: number; ci: [number, number]; p: number; pHolm: number; significant: boolean }> };
    };
    expect(res.model).toBe('mostpopular');
    expect(res.baseline.model).toBe('v-sknn');
    const c = res.baseline.comparison['NDCG@20'];
    expect(c.diff).toBeCloseTo(res.metrics['NDCG@20'] - res.baseline.metrics['NDCG@20'], 12);
    expect(c.ci[1]).toBeLessThan(0);
    expect(c.p).toBeLessThan(0.01);
    expect(c.significant).toBe(true);
  }, 120_000);

  it('fails with one clear line naming the file and line, not a stack trace', async () => {
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, '{\n "1": [5788],\n "2": [99999999]\n}\n');
    const r = await cliRun(['evaluate', '--dataset', 'beauty', '--recs', bad]);
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toBe(`error: ${bad}:3: session "2": unknown item id 99999999 (item 1 of the list; not in the dataset's items)`);
    const r2 = await cliRun(['evaluate', '--dataset', 'nope', '--model', 'mostpopular']);
    expect(r2.code).toBe(1);
    expect(r2.stderr).toMatch(/^error: data\/nope: no such dataset folder/m);
    const r3 = await cliRun(['evaluate', '--dataset', 'beauty', '--model', 'bert9']);
    expect(r3.code).toBe(1);
    expect(r3.stderr).toContain('unknown model "bert9"');
  }, 120_000);

  it('has a --help for every sub-command', async () => {
    const r = await cliRun(['--help']);
    for (const c of ['prepare', 'embed', 'evaluate', 'tune', 'report']) expect(r.stdout).toContain(c);
    const e = await cliRun(['evaluate', '--help']);
    expect(e.stdout).toContain('--recs <file>');
  });
});
