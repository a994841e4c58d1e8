import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { parseManifest } from '../src/core/artifacts/manifest.js';
import { EvalReport } from '../src/core/artifacts/report.js';
import { ROOT } from '../src/node/paths.js';

/**
 * `cli train` end to end on a tiny synthetic dataset (item i is followed by i+1): the shipped
 * files, the manifest entry the app loads, the evaluation report, and extending a run with
 * `--resume --epochs`. The dataset lives in data/<name> for the duration of the test only.
 */
const run = promisify(execFile);
const tsx = join(ROOT, 'node_modules', '.bin', 'tsx');
const cli = join(ROOT, 'src', 'node', 'cli.ts');
const name = `test-tiny-${process.pid}`;
const dataDir = join(ROOT, 'data', name);
const outDir = join(ROOT, 'public', 'models', name);
const cacheDir = join(ROOT, '.cache', 'train', name);

async function cliRun(args: string[]): Promise<string> {
  const r = await run(tsx, [cli, ...args, '--dataset', name], { cwd: ROOT, env: { ...process.env, CI: '1' } });
  return r.stdout;
}

afterAll(() => {
  for (const d of [dataDir, outDir, cacheDir]) rmSync(d, { recursive: true, force: true });
  rmSync(join(ROOT, 'configs', `${name}.json`), { force: true });
});

describe('cli train on a tiny dataset', () => {
  it('writes uint8 weights, a manifest entry and a training log; report scores it; --resume extends the run', async () => {
    mkdirSync(dataDir, { recursive: true });
    const items = ['item_id,title', ...Array.from({ length: 30 }, (_, i) => `${i},Product number ${i}`)];
    const rows = ['session_id,item_id,timestamp'];
    for (let s = 0; s < 400; s++) {
      const start = (s * 7) % 30;
      for (let j = 0; j < 5 + (s % 4); j++) rows.push(`${s},${(start + j) % 30},${1_000_000 + s * 1000 + j}`);
    }
    writeFileSync(join(dataDir, 'items.csv'), `${items.join('\n')}\n`);
    writeFileSync(join(dataDir, 'interactions.csv'), `${rows.join('\n')}\n`);
    const cfg = join(dataDir, 'train.json');
    writeFileSync(cfg, JSON.stringify({ dim: 16, batchSize: 32, lr: 0.01, dropout: 0, patience: 5 }));

    await cliRun(['prepare']);
    const first = await cliRun(['train', '--model', 'sasrec', '--config', cfg, '--epochs', '2', '--quiet']);
    expect(first).toMatch(/epoch 2: loss [\d.]+, validation NDCG@20 [\d.]+/);
    const manifest = parseManifest(readFileSync(join(outDir, 'manifest.json'), 'utf8'));
    const entry = manifest.sequentialModels?.find((m) => m.name === 'sasrec');
    expect(entry).toMatchObject({ label: 'SASRec', arch: 'sasrec', itemInit: 'random', nItems: 30, weightsDtype: 'uint8' });
    // uint8 (the default): 1 byte per weight value.
    const modelJson = JSON.parse(readFileSync(join(outDir, 'sasrec', 'model.json'), 'utf8')) as { weightsManifest: { weights: { shape: number[] }[] }[] };
    const values = modelJson.weightsManifest[0].weights.reduce((a, w) => a + w.shape.reduce((x, y) => x * y, 1), 0);
    expect(entry!.weights.bytes).toBe(values);
    expect(readFileSync(join(outDir, 'sasrec', 'weights.bin')).byteLength).toBe(entry!.weights.bytes);
    const log = JSON.parse(readFileSync(join(outDir, 'sasrec', 'train-log.json'), 'utf8')) as { history: unknown[]; test: { metrics: Record<string, number> } };
    expect(log.history).toHaveLength(2);
    expect(log.test.metrics['HitRate@20']).toBeGreaterThan(0.5); // the pattern is learnable

    // A larger budget continues the same run from its last epoch.
    const more = await cliRun(['train', '--model', 'sasrec', '--config', cfg, '--epochs', '3', '--resume', '--quiet']);
    expect(more).not.toMatch(/epoch 1:/);
    expect(more).toMatch(/epoch 3:/);
    expect((JSON.parse(readFileSync(join(outDir, 'sasrec', 'train-log.json'), 'utf8')) as { history: unknown[] }).history).toHaveLength(3);

    // The evaluation report includes the shipped model next to the others, and `evaluate`
    // scores it like any other model of the catalogue.
    await cliRun(['report', '--models', 'mostpopular,sasrec', '--quiet']);
    const report = EvalReport.parse(JSON.parse(readFileSync(join(outDir, 'eval.json'), 'utf8')));
    expect(report.results.map((r) => r.model)).toEqual(['mostpopular', 'sasrec']);
    const sas = report.results[1];
    expect(sas.metrics['NDCG@20']).toBeGreaterThan(report.results[0].metrics['NDCG@20']);
    const evalJson = join(outDir, 'sasrec-eval.json');
    await cliRun(['evaluate', '--model', 'sasrec', '--json', evalJson, '--quiet']);
    const single = JSON.parse(readFileSync(evalJson, 'utf8')) as { sessions: number; metrics: Record<string, number>; model: string };
    expect(single.model).toBe('sasrec');
    expect(single.metrics['NDCG@20']).toBeCloseTo(sas.metrics['NDCG@20'], 10);
    expect(sas.config).toMatchObject({ weights: 'uint8', dim: 16 });
    expect(existsSync(join(cacheDir, 'sasrec', 'checkpoint.ckpt'))).toBe(true);

    // One live session in the dataset's own ids: k items with their titles, best first, never the session's own.
    const rec = JSON.parse(await cliRun(['recommend', '--model', 'sasrec', '--items', '3,4', '--k', '3', '--json'])) as {
      items: { id: number; title: string; score: number }[];
    };
    expect(rec.items).toHaveLength(3);
    for (const x of rec.items) expect(x.title).toBe(`Product number ${x.id}`);
    expect(rec.items.map((x) => x.id)).not.toContain(3);
    expect(rec.items.map((x) => x.id)).not.toContain(4);
    for (let i = 1; i < rec.items.length; i++) expect(rec.items[i].score).toBeLessThanOrEqual(rec.items[i - 1].score);
    await expect(cliRun(['recommend', '--model', 'sasrec', '--items', '3,999'])).rejects.toThrow(/--items: item 2 \("999"\) is not an item id/);
  }, 180_000);

  it('the LLMSeqSim&Sequential hybrid is tuned over the sequential models, not over a language model the dataset also ships', async () => {
    await cliRun(['embed', '--quiet']);
    const lmCfg = join(dataDir, 'lm.json');
    writeFileSync(lmCfg, JSON.stringify({ dim: 8, layers: 1, heads: 1, epochs: 1, n: 2, maxTokens: 6 }));
    await cliRun(['train', '--model', 'llmseqprompt', '--config', lmCfg, '--eval-limit', '5', '--quiet']);
    expect(parseManifest(readFileSync(join(outDir, 'manifest.json'), 'utf8')).promptModels?.map((m) => m.name)).toEqual(['llmseqprompt']);
    // Before: the grid named the language model as the hybrid's sequential model and the run stopped on an invalid config.
    const tuned = await cliRun(['tune', '--model', 'llmseqsim-sequential', '--quiet']);
    const best = JSON.parse(readFileSync(join(ROOT, 'configs', `${name}.json`), 'utf8')) as { models: Record<string, { config: { sequential: string } }> };
    expect(best.models['llmseqsim-sequential'].config.sequential).toBe('sasrec');
    expect(tuned).not.toMatch(/llmseqprompt/);
  }, 180_000);

  it('an LLM2* start from a held-out-tuned embedder that is not built says which command builds it', async () => {
    const missing = `potion-base-4M-int8-ft-${name}-val42`;
    const failed = await cliRun(['train', '--model', 'llm2sasrec', '--embeddings', missing, '--epochs', '1', '--quiet']).then(
      () => '',
      (e: { stderr: string }) => e.stderr,
    );
    expect(failed).toContain(`has no embeddings named "${missing}"`);
    expect(failed).toContain(`npm run cli -- train --dataset ${name} --model llmseqsim-ft --val-seed 42`);
  }, 60_000);
});
