import { mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clusteredVectors, exactTopK, recallAt } from '../src/core/vectors/synthetic.js';
import { httpCandidateSource, rerankCandidates } from '../src/recommenders/candidates.js';
import { buildVectorIndex, connect, openVectorIndex, serveCandidates, type VectorIndex } from '../src/node/vector-index.js';

// A tiny table: 3,000 clustered 32-d unit vectors, IVF_PQ with 16 partitions.
const N = 3000;
const DIM = 32;
const items = clusteredVectors(N, DIM, 40, 7);
const queries = clusteredVectors(30, DIM, 40, 7, 99); // same topics as the items, other draws
const dir = mkdtempSync(join(tmpdir(), 'llmseqrec-lance-'));
let index: VectorIndex;
let server: Server;
let endpoint = '';

beforeAll(async () => {
  const db = await connect(dir);
  const ids = Int32Array.from({ length: N }, (_, i) => 1000 + i);
  const report = await buildVectorIndex(db, 'items', { items: Int32Array.from({ length: N }, (_, i) => i), ids, vectors: items }, { partitions: 16, subVectors: 8 });
  expect(report.rows).toBe(N);
  index = await openVectorIndex(db, 'items', 'dot', { nprobes: 8, refineFactor: 5 });
  server = await serveCandidates(index, { host: '127.0.0.1', port: 0, maxK: 500 });
  const addr = server.address();
  endpoint = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
}, 60_000);

afterAll(async () => {
  if (server) await new Promise<void>((r) => server.close(() => r()));
  index?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('LanceDB vector index', () => {
  it('finds the exact nearest items by dot product, and the ANN index recalls most of them', async () => {
    const k = 20;
    const truth = exactTopK(queries, items, k);
    let recall = 0;
    for (let q = 0; q < queries.rows; q++) {
      const vec = queries.data.slice(q * DIM, (q + 1) * DIM);
      const exact = await index.exact(vec, k);
      const want = Array.from(truth.subarray(q * k, (q + 1) * k));
      expect(recallAt(exact.items, want)).toBeGreaterThanOrEqual(0.95); // float ties at the cut may swap
      expect(exact.ids[0]).toBe(exact.items[0] + 1000);
      // scores are dot products (LanceDB's distance turned back), best first
      const e0 = items.data.subarray(exact.items[0] * DIM, (exact.items[0] + 1) * DIM);
      expect(exact.scores[0]).toBeCloseTo(vec.reduce((s, v, i) => s + v * e0[i], 0), 4);
      recall += recallAt((await index.search(vec, k)).items, want);
    }
    expect(recall / queries.rows).toBeGreaterThan(0.9);
  });

  it('serves candidates over HTTP, validates the input, and the client re-ranks them without the session items', async () => {
    const source = httpCandidateSource(endpoint);
    const vec = queries.data.slice(0, DIM);
    const got = await source.candidates(vec, 50);
    expect(got.items.length).toBe(50);
    const session = Int32Array.from([got.items[0], got.items[3]]);
    const byIndex = await rerankCandidates(source, vec, session, 10, { n: 50 });
    expect(Array.from(byIndex.items)).toEqual(got.items.filter((i) => i !== got.items[0] && i !== got.items[3]).slice(0, 10));
    // A scorer that prefers the highest item index re-orders the same candidates.
    const rev = await rerankCandidates(source, vec, session, 5, { n: 50, scorer: (_s, c) => Float32Array.from(c) });
    const expected = got.items.filter((i) => !session.includes(i)).sort((a, b) => b - a).slice(0, 5);
    expect(Array.from(rev.items)).toEqual(expected);

    await expect(source.candidates(new Float32Array(5), 10)).rejects.toThrow(/HTTP 400: vector has 5 values, the index has 32-d/);
    await expect(source.candidates(vec, 10_000)).rejects.toThrow(/k 10000 is over this server's limit 500/);
    const bad = await fetch(`${endpoint}/v1/candidates`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"vector": "x"}' });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: string }).error).toMatch(/^vector:/);
    expect(bad.headers.get('access-control-allow-origin')).toBeNull(); // no CORS unless configured
  });
});
