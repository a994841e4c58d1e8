import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { embedCatalog } from '../src/embedders/catalog.js';
import { openAiEmbedder } from '../src/embedders/openai.js';
import { EmbeddingCheckpoint } from '../src/node/checkpoint.js';

/** A local OpenAI-compatible /embeddings server: vector = [length, first char code, 1]. */
interface Behaviour {
  failFirst: number; // answer 429 to this many requests first
  dieAfter: number; // answer 500 forever after this many successful requests
}
let server: Server;
let baseUrl = '';
const seen: { auth?: string; inputs: string[] }[] = [];
const state: Behaviour & { served: number; failed: number } = { failFirst: 0, dieAfter: Infinity, served: 0, failed: 0 };

beforeAll(async () => {
  server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      if (req.url !== '/v1/embeddings' || req.method !== 'POST') {
        res.writeHead(404).end('not found');
        return;
      }
      if (state.failed < state.failFirst) {
        state.failed++;
        res.writeHead(429, { 'retry-after': '0' }).end('slow down');
        return;
      }
      if (state.served >= state.dieAfter) {
        res.writeHead(500).end('boom');
        return;
      }
      state.served++;
      const { input } = JSON.parse(body) as { input: string[] };
      seen.push({ auth: req.headers.authorization, inputs: input });
      const data = input.map((t, index) => ({ index, embedding: [t.length, t.charCodeAt(0), 1] })).reverse();
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ data }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const addr = server.address();
  if (addr === null || typeof addr === 'string') throw new Error('no port');
  baseUrl = `http://127.0.0.1:${addr.port}/v1`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

function reset(b: Partial<Behaviour>) {
  Object.assign(state, { failFirst: 0, dieAfter: Infinity, served: 0, failed: 0 }, b);
  seen.length = 0;
}

const noSleep = () => Promise.resolve();

describe('OpenAI-compatible embeddings provider (local loopback server)', () => {
  it('posts batches with the key, and orders results by index', async () => {
    reset({});
    const e = openAiEmbedder({ baseUrl, apiKey: 'sk-test', model: 'text-embedding-ada-002', sleep: noSleep });
    const out = await e.embed(['ab', 'xyz']);
    expect(out.map((v) => Array.from(v))).toEqual([[2, 97, 1], [3, 120, 1]]);
    expect(seen[0].auth).toBe('Bearer sk-test');
  });

  it('retries 429 responses with backoff', async () => {
    reset({ failFirst: 2 });
    const waits: number[] = [];
    const e = openAiEmbedder({ baseUrl, apiKey: 'k', model: 'm', sleep: async (ms) => void waits.push(ms), initialBackoffMs: 10 });
    expect((await e.embed(['a'])).length).toBe(1);
    expect(state.failed).toBe(2);
    expect(waits.length).toBe(2);
  });

  it('gives up after maxRetries and says why', async () => {
    reset({ dieAfter: 0 });
    const e = openAiEmbedder({ baseUrl, apiKey: 'k', model: 'm', sleep: noSleep, maxRetries: 2 });
    await expect(e.embed(['a'])).rejects.toThrow(/giving up after 3 attempts \(HTTP 500 boom\)/);
  });

  it('does not retry a client error', async () => {
    reset({});
    const e = openAiEmbedder({ baseUrl: `${baseUrl}/nope`, apiKey: 'k', model: 'm', sleep: noSleep });
    await expect(e.embed(['a'])).rejects.toThrow(/HTTP 404/);
  });

  it('resumes an interrupted catalog run from its checkpoint', async () => {
    const titles = Array.from({ length: 10 }, (_, i) => `title ${i}`);
    titles[4] = '';
    const cp = new EmbeddingCheckpoint(join(mkdtempSync(join(tmpdir(), 'emb-')), 'run.jsonl'));
    const e = openAiEmbedder({ baseUrl, apiKey: 'k', model: 'm', sleep: noSleep, maxRetries: 1 });
    reset({ dieAfter: 2 }); // the provider dies after two batches of 3
    await expect(
      embedCatalog(titles, e, { batchSize: 3, onBatch: (items, rows) => cp.append(items, rows) }),
    ).rejects.toThrow(/giving up/);
    const done = cp.load();
    expect([...done.keys()].sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 5, 6]);

    reset({});
    const result = await embedCatalog(titles, e, { batchSize: 3, precomputed: done, onBatch: (items, rows) => cp.append(items, rows) });
    expect(seen.flatMap((s) => s.inputs)).toEqual(['title 7', 'title 8', 'title 9']); // only what was left
    expect(result.vectors.rows).toBe(10);
    expect(result.emptyTitleItems).toEqual([4]);
    expect(result.vectors.data.every(Number.isFinite)).toBe(true);
  });
});
