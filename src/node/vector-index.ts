import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import * as lancedb from '@lancedb/lancedb';
import type * as Arrow from 'apache-arrow';
import { z } from 'zod';
import { CandidatesRequest, type CandidatesResponse } from '../recommenders/candidates.js';
import type { DenseMatrix } from '../core/vectors/matrix.js';

/**
 * Item vectors in LanceDB (embedded, no server) with an ANN index, and a small HTTP endpoint
 * that returns the top-N candidates for a session embedding. The same code reaches LanceDB on
 * object storage (`s3://bucket/path`, `gs://...`, `az://...` with `storageOptions`) or LanceDB
 * Cloud (`db://name` with an API key): only the `uri` and connection options change.
 *
 * Rows: `item` (dense catalog index, what the models score), `id` (the dataset's item id),
 * `vector` (float32, fixed size).
 */

export const IndexOptions = z.object({
  /** IVF_PQ: partitions (coarse clusters) + product quantisation; HNSW_SQ: IVF + HNSW graph on 8-bit scalar-quantised vectors. */
  kind: z.enum(['ivf_pq', 'ivf_hnsw_sq', 'ivf_flat']).default('ivf_pq'),
  metric: z.enum(['dot', 'cosine', 'l2']).default('dot'),
  /** IVF partitions; default ~sqrt(rows), as LanceDB recommends. */
  partitions: z.number().int().positive().optional(),
  /** PQ sub-vectors; default dim / 8 (dim / 16, LanceDB's default, loses too much recall at 128-d). */
  subVectors: z.number().int().positive().optional(),
});
export type IndexOptions = z.infer<typeof IndexOptions>;

export const SearchOptions = z.object({
  /** IVF partitions probed per query (1M items, 1,000 partitions: recall@20 0.83 at 20, 0.91 at 50 for ~2 ms more; bench/results/lancedb.json). */
  nprobes: z.number().int().positive().default(50),
  /** Re-score refineFactor x k PQ candidates with the full vectors (IVF_PQ only). */
  refineFactor: z.number().int().positive().default(5),
});
export type SearchOptions = z.infer<typeof SearchOptions>;

export interface ConnectOptions {
  /** Passed to LanceDB for object storage (credentials, region, endpoint). */
  readonly storageOptions?: Record<string, string>;
  /** LanceDB Cloud (`db://` uris). */
  readonly apiKey?: string;
  readonly region?: string;
}

export interface IndexedItems {
  /** Dense catalog index of each row. */
  readonly items: Int32Array;
  /** Dataset item id of each row. */
  readonly ids: Int32Array;
  readonly vectors: DenseMatrix;
}

// LanceDB is CommonJS and checks Arrow objects with instanceof: build them with its (CommonJS)
// copy of apache-arrow, not the ES-module build an `import` would load.
const { Field, FixedSizeList, Float32, Int32, makeData, RecordBatch, Schema, Struct, Table: ArrowTable } = createRequire(import.meta.url)(
  'apache-arrow',
) as typeof Arrow;
type ArrowTable = Arrow.Table;
type Schema = Arrow.Schema;

const CHUNK_ROWS = 65_536;

function schemaFor(dim: number): Schema {
  return new Schema([
    new Field('item', new Int32(), false),
    new Field('id', new Int32(), false),
    new Field('vector', new FixedSizeList(dim, new Field('item', new Float32(), true)), false),
  ]);
}

/** Arrow record batches straight from the typed arrays (no per-row JS objects). */
function toArrow(rows: IndexedItems): ArrowTable {
  const { rows: n, cols: dim, data } = rows.vectors;
  if (rows.items.length !== n || rows.ids.length !== n) throw new RangeError(`items/ids/vectors disagree: ${rows.items.length}/${rows.ids.length}/${n}`);
  const schema = schemaFor(dim);
  const batches: Arrow.RecordBatch[] = [];
  for (let s = 0; s < n; s += CHUNK_ROWS) {
    const len = Math.min(CHUNK_ROWS, n - s);
    const vecType = schema.fields[2].type as Arrow.FixedSizeList<Arrow.Float32>;
    const values = makeData({ type: new Float32(), length: len * dim, data: data.subarray(s * dim, (s + len) * dim) });
    const children = [
      makeData({ type: new Int32(), length: len, data: rows.items.subarray(s, s + len) }),
      makeData({ type: new Int32(), length: len, data: rows.ids.subarray(s, s + len) }),
      makeData({ type: vecType, length: len, nullCount: 0, child: values }),
    ];
    batches.push(new RecordBatch(schema, makeData({ type: new Struct(schema.fields), length: len, nullCount: 0, children })));
  }
  return new ArrowTable(schema, batches);
}

export async function connect(uri: string, opts: ConnectOptions = {}): Promise<lancedb.Connection> {
  return lancedb.connect(uri, {
    ...(opts.storageOptions ? { storageOptions: opts.storageOptions } : {}),
    ...(opts.apiKey ? { apiKey: opts.apiKey } : {}),
    ...(opts.region ? { region: opts.region } : {}),
  });
}

function lanceIndex(o: IndexOptions, rows: number, dim: number): lancedb.Index {
  const numPartitions = o.partitions ?? Math.max(1, Math.round(Math.sqrt(rows)));
  if (o.kind === 'ivf_flat') return lancedb.Index.ivfFlat({ distanceType: o.metric, numPartitions });
  if (o.kind === 'ivf_hnsw_sq') return lancedb.Index.hnswSq({ distanceType: o.metric, numPartitions });
  return lancedb.Index.ivfPq({ distanceType: o.metric, numPartitions, numSubVectors: o.subVectors ?? Math.max(1, Math.floor(dim / 8)) });
}

export interface BuildReport {
  readonly rows: number;
  readonly dim: number;
  readonly writeMs: number;
  readonly indexMs: number;
  readonly options: IndexOptions;
}

/** Writes (replaces) a table of item vectors and builds its ANN index. */
export async function buildVectorIndex(db: lancedb.Connection, table: string, rows: IndexedItems, options: Partial<IndexOptions> = {}): Promise<BuildReport> {
  const o = IndexOptions.parse(options);
  const t0 = performance.now();
  const t = await db.createTable(table, toArrow(rows), { mode: 'overwrite' });
  const t1 = performance.now();
  await t.createIndex('vector', { config: lanceIndex(o, rows.vectors.rows, rows.vectors.cols), replace: true });
  const t2 = performance.now();
  t.close();
  return { rows: rows.vectors.rows, dim: rows.vectors.cols, writeMs: t1 - t0, indexMs: t2 - t1, options: o };
}

export interface VectorIndex {
  readonly rows: number;
  readonly dim: number;
  readonly metric: IndexOptions['metric'];
  /** Approximate top-k by the index. Scores: dot product / cosine similarity / negative L2 distance. */
  search(query: Float32Array, k: number): Promise<CandidatesResponse>;
  /** Exact top-k (flat scan in LanceDB, no index). */
  exact(query: Float32Array, k: number): Promise<CandidatesResponse>;
  close(): void;
}

/** LanceDB reports a distance; turn it back into the similarity the models use (higher is better). */
function toScore(metric: IndexOptions['metric'], distance: number): number {
  return metric === 'l2' ? -distance : 1 - distance;
}

export async function openVectorIndex(db: lancedb.Connection, table: string, metric: IndexOptions['metric'] = 'dot', search: Partial<SearchOptions> = {}): Promise<VectorIndex> {
  const s = SearchOptions.parse(search);
  const t = await db.openTable(table);
  const rows = await t.countRows();
  const schema = await t.schema();
  const vec = schema.fields.find((f) => f.name === 'vector');
  if (!vec || !(vec.type instanceof FixedSizeList)) throw new Error(`table ${table} has no fixed-size "vector" column`);
  const dim = vec.type.listSize;
  const run = async (q: lancedb.VectorQuery, k: number): Promise<CandidatesResponse> => {
    const res = (await q.distanceType(metric).limit(k).select(['item', 'id', '_distance']).toArray()) as { item: number; id: number; _distance: number }[];
    return { items: res.map((r) => r.item), ids: res.map((r) => r.id), scores: res.map((r) => toScore(metric, r._distance)) };
  };
  const check = (query: Float32Array) => {
    if (query.length !== dim) throw new RangeError(`query has ${query.length} values, the index has ${dim}-d vectors`);
  };
  return {
    rows,
    dim,
    metric,
    search: (query, k) => {
      check(query);
      return run(t.vectorSearch(query).nprobes(s.nprobes).refineFactor(s.refineFactor), k);
    },
    exact: (query, k) => {
      check(query);
      return run(t.vectorSearch(query).bypassVectorIndex(), k);
    },
    close: () => t.close(),
  };
}

export interface ServeOptions {
  readonly host: string;
  readonly port: number;
  /** An exact origin allowed to call the endpoint from a browser (CORS); none by default. */
  readonly corsOrigin?: string;
  /** Largest N a request may ask for. */
  readonly maxK: number;
}

const MAX_BODY = 256 * 1024;

function send(res: ServerResponse, status: number, body: unknown, cors: Record<string, string>): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    // JSON only: nothing here may run as a page.
    'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
    'x-content-type-options': 'nosniff',
    'cache-control': 'no-store',
    ...cors,
  });
  res.end(text);
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let size = 0;
    const parts: Buffer[] = [];
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) {
        reject(new RangeError(`request body over ${MAX_BODY} bytes`));
        req.destroy();
      } else parts.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(parts).toString('utf8')));
    req.on('error', reject);
  });
}

/**
 * `POST /v1/candidates` {"vector": [dim numbers], "k": N} -> {"items", "ids", "scores"} (best
 * first); `GET /v1/info` -> {rows, dim, metric}. Loopback by default; CORS only for the one
 * origin given. Every bad request gets a 4xx with a message, never a stack trace.
 */
export function serveCandidates(index: VectorIndex, o: ServeOptions): Promise<Server> {
  const cors: Record<string, string> = o.corsOrigin
    ? { 'access-control-allow-origin': o.corsOrigin, vary: 'origin', 'access-control-allow-methods': 'POST, GET', 'access-control-allow-headers': 'content-type' }
    : {};
  const server = createServer(async (req, res) => {
    try {
      const path = (req.url ?? '/').split('?')[0];
      if (req.method === 'OPTIONS') {
        res.writeHead(o.corsOrigin ? 204 : 403, cors);
        res.end();
        return;
      }
      if (path === '/v1/info' && req.method === 'GET') {
        send(res, 200, { rows: index.rows, dim: index.dim, metric: index.metric }, cors);
        return;
      }
      if (path !== '/v1/candidates') {
        send(res, 404, { error: `no route ${req.method} ${path} (POST /v1/candidates, GET /v1/info)` }, cors);
        return;
      }
      if (req.method !== 'POST') {
        send(res, 405, { error: 'use POST' }, cors);
        return;
      }
      if (!(req.headers['content-type'] ?? '').startsWith('application/json')) {
        send(res, 415, { error: 'content-type must be application/json' }, cors);
        return;
      }
      let raw: unknown;
      try {
        raw = JSON.parse(await readBody(req));
      } catch (e) {
        send(res, 400, { error: `body is not JSON (${(e as Error).message})` }, cors);
        return;
      }
      const parsed = CandidatesRequest.safeParse(raw);
      if (!parsed.success) {
        send(res, 400, { error: parsed.error.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`).join('; ') }, cors);
        return;
      }
      const { vector, k } = parsed.data;
      if (vector.length !== index.dim) {
        send(res, 400, { error: `vector has ${vector.length} values, the index has ${index.dim}-d vectors` }, cors);
        return;
      }
      if (k > o.maxK) {
        send(res, 400, { error: `k ${k} is over this server's limit ${o.maxK}` }, cors);
        return;
      }
      send(res, 200, await index.search(Float32Array.from(vector), k), cors);
    } catch (e) {
      send(res, 500, { error: (e as Error).message }, cors);
    }
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port, o.host, () => resolve(server));
  });
}

export { DEFAULT_LANCEDB_URI } from './paths.js';

/** Connection options from the environment: LANCEDB_API_KEY / LANCEDB_REGION (Cloud), LANCEDB_STORAGE_OPTIONS (JSON, object storage). */
export function connectOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): ConnectOptions {
  let storageOptions: Record<string, string> | undefined;
  if (env.LANCEDB_STORAGE_OPTIONS) {
    const parsed = z.record(z.string(), z.string()).safeParse(JSON.parse(env.LANCEDB_STORAGE_OPTIONS));
    if (!parsed.success) throw new RangeError('LANCEDB_STORAGE_OPTIONS must be a JSON object of strings');
    storageOptions = parsed.data;
  }
  return { storageOptions, apiKey: env.LANCEDB_API_KEY, region: env.LANCEDB_REGION };
}

export interface IndexDatasetOptions {
  readonly uri: string;
  readonly table: string;
  readonly embeddings?: string;
  readonly index: Partial<IndexOptions>;
}

/** `cli index`: a dataset's item embeddings (as the manifest lists them, checked) into a LanceDB table with an ANN index. */
export async function indexDataset(dataset: string, o: IndexDatasetOptions): Promise<BuildReport> {
  const { loadDataset } = await import('./dataset-files.js');
  const { loadEmbeddings } = await import('./artifacts.js');
  const { catalog } = loadDataset(dataset);
  const { vectors } = await loadEmbeddings(dataset, catalog, o.embeddings);
  const db = await connect(o.uri, connectOptionsFromEnv());
  // IVF needs a few rows per partition; PQ needs 256 rows for its codebooks.
  const partitions = o.index.partitions ?? Math.max(1, Math.min(Math.round(Math.sqrt(vectors.rows)), Math.floor(vectors.rows / 256)));
  return buildVectorIndex(db, o.table, { items: Int32Array.from({ length: vectors.rows }, (_, i) => i), ids: Int32Array.from(catalog.ids), vectors }, { ...o.index, partitions });
}

/** `cli serve`: opens the table and serves candidates until the process stops. */
export async function serveTable(uri: string, table: string, metric: IndexOptions['metric'], search: Partial<SearchOptions>, serve: ServeOptions): Promise<Server> {
  const db = await connect(uri, connectOptionsFromEnv());
  const index = await openVectorIndex(db, table, metric, search);
  const server = await serveCandidates(index, serve);
  server.on('close', () => index.close());
  return server;
}
