import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FineTuneState, OpenAiLlm, PAPER_PARAMS } from '../src/llm/openai-llm.js';
import { diskCompletionCache } from '../src/node/completion-cache.js';

/**
 * A loopback OpenAI-compatible server: /files (multipart upload), /fine_tuning/jobs (a job that
 * goes validating_files -> queued -> running -> succeeded over successive polls),
 * /completions and /chat/completions (n choices: "<k> <last prompt word> ###"-style text).
 */
interface Log {
  method: string;
  path: string;
  auth?: string;
  body: string;
}
let server: Server;
let baseUrl = '';
const log: Log[] = [];
let fail429 = 0;
const jobs = new Map<string, { polls: number; training_file: string }>();

beforeAll(async () => {
  server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const path = (req.url ?? '').replace(/^\/v1/, '');
      log.push({ method: req.method ?? '', path, auth: req.headers.authorization, body });
      const send = (status: number, value: unknown, headers: Record<string, string> = {}) =>
        res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(value));
      if (fail429 > 0 && path.endsWith('completions')) {
        fail429--;
        send(429, { error: 'rate limited' }, { 'retry-after': '0' });
        return;
      }
      if (path === '/files' && req.method === 'POST') {
        const name = /filename="([^"]+)"/.exec(body)?.[1] ?? '?';
        send(200, { id: `file-${name}`, status: 'processed', lines: body.split('{"prompt"').length - 1 });
      } else if (path === '/fine_tuning/jobs' && req.method === 'POST') {
        const b = JSON.parse(body) as { training_file: string };
        const id = `ftjob-${jobs.size + 1}`;
        jobs.set(id, { polls: 0, training_file: b.training_file });
        send(200, { id, status: 'validating_files', fine_tuned_model: null, training_file: b.training_file });
      } else if (path.startsWith('/fine_tuning/jobs/') && req.method === 'GET') {
        const id = path.split('/').pop()!;
        const j = jobs.get(id)!;
        j.polls++;
        const status = ['validating_files', 'queued', 'running'][j.polls - 1] ?? 'succeeded';
        send(200, { id, status, fine_tuned_model: status === 'succeeded' ? 'ft:babbage-002:shop::abc' : null, training_file: j.training_file });
      } else if (path === '/completions' || path === '/chat/completions') {
        const b = JSON.parse(body) as { n: number; prompt?: string; messages?: { content: string }[] };
        const text = (i: number) => ` item ${i} for ${(b.prompt ?? b.messages!.at(-1)!.content).length} chars ###`;
        const choices = Array.from({ length: b.n }, (_, i) => (b.prompt !== undefined ? { index: i, text: text(i) } : { index: i, message: { role: 'assistant', content: text(i) } })).reverse();
        send(200, { choices, usage: { prompt_tokens: 10, completion_tokens: 5 * b.n } });
      } else {
        send(404, { error: 'not found' });
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const addr = server.address();
  if (addr === null || typeof addr === 'string') throw new Error('no port');
  baseUrl = `http://127.0.0.1:${addr.port}/v1`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

const noSleep = () => Promise.resolve();

describe('OpenAI-compatible LLM provider (loopback server)', () => {
  it('uploads the files, starts one fine-tuning job, polls it to success, and resumes without repeating a step', async () => {
    log.length = 0;
    const llm = new OpenAiLlm({ baseUrl, apiKey: 'sk-test', sleep: noSleep, pollIntervalMs: 1 });
    const saved: FineTuneState[] = [];
    const state: FineTuneState = {};
    const statuses: string[] = [];
    const model = await llm.fineTune(
      { train: '{"prompt": "1. a \\n\\n###\\n\\n", "completion": " b ###"}\n', valid: '{"prompt": "x", "completion": " y ###"}\n', model: 'babbage-002', suffix: 'shop' },
      state,
      (s) => saved.push({ ...s }),
      (j) => statuses.push(j.status),
    );
    expect(model).toBe('ft:babbage-002:shop::abc');
    expect(statuses).toEqual(['validating_files', 'queued', 'running', 'succeeded']);
    expect(log.filter((l) => l.path === '/files').length).toBe(2);
    expect(log.filter((l) => l.path === '/fine_tuning/jobs').length).toBe(1);
    expect(log[0].auth).toBe('Bearer sk-test');
    expect(JSON.parse(log.find((l) => l.path === '/fine_tuning/jobs')!.body)).toMatchObject({ training_file: 'file-train.jsonl', validation_file: 'file-valid.jsonl', model: 'babbage-002' });

    // Interrupted after the job was created: a re-run polls the same job, uploads nothing.
    log.length = 0;
    const resumed: FineTuneState = { trainingFile: state.trainingFile, validationFile: state.validationFile, jobId: saved.find((s) => s.jobId)!.jobId };
    expect(await llm.fineTune({ train: 'x', valid: 'y', model: 'babbage-002' }, resumed, () => undefined)).toBe('ft:babbage-002:shop::abc');
    expect(log.every((l) => l.method === 'GET')).toBe(true);
  });

  it('asks for n=20 completions with the paper\'s parameters and returns them in choice order', async () => {
    log.length = 0;
    const llm = new OpenAiLlm({ baseUrl, apiKey: 'k', sleep: noSleep });
    const [texts] = await llm.completeAll('ft:model', ['1. a \n\n###\n\n']);
    expect(texts.length).toBe(20);
    expect(texts[0]).toBe(' item 0 for 12 chars ###');
    expect(texts[19]).toBe(' item 19 for 12 chars ###');
    expect(JSON.parse(log[0].body)).toEqual({ model: 'ft:model', prompt: '1. a \n\n###\n\n', max_tokens: 50, temperature: 0.5, top_p: 1, n: 20, stop: '###' });
    expect(llm.stats.completionTokens).toBe(100);
  });

  it('retries after a 429 and then succeeds', async () => {
    fail429 = 2;
    const waits: number[] = [];
    const llm = new OpenAiLlm({ baseUrl, apiKey: 'k', sleep: async (ms) => void waits.push(ms), initialBackoffMs: 5 });
    const [texts] = await llm.completeAll('m', [[{ role: 'user', content: 'hello' }]], { ...PAPER_PARAMS, n: 3 });
    expect(texts).toEqual([' item 0 for 5 chars ###', ' item 1 for 5 chars ###', ' item 2 for 5 chars ###']);
    expect(waits).toEqual([5, 10]);
    expect(llm.stats.retries).toBe(2);
  });

  it('re-runs an evaluation from the disk cache with zero requests', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'llm-cache-'));
    const prompts = Array.from({ length: 12 }, (_, i) => `${i + 1}. item \n\n###\n\n`);
    const first = new OpenAiLlm({ baseUrl, apiKey: 'k', sleep: noSleep, concurrency: 3, cache: diskCompletionCache(join(dir, 'c.jsonl')) });
    log.length = 0;
    const a = await first.completeAll('m', prompts);
    expect(log.length).toBe(12);
    // A new process: the cache is read back from disk.
    log.length = 0;
    const second = new OpenAiLlm({ baseUrl, apiKey: 'k', sleep: noSleep, concurrency: 3, cache: diskCompletionCache(join(dir, 'c.jsonl')) });
    const b = await second.completeAll('m', prompts);
    expect(log.length).toBe(0);
    expect(second.stats.cached).toBe(12);
    expect(b).toEqual(a);
    // Other parameters are another key: they are requested.
    await second.completeAll('m', prompts.slice(0, 1), { ...PAPER_PARAMS, temperature: 0.25 });
    expect(log.length).toBe(1);
  });
});
