import { z } from 'zod';
import { topKInto } from '../core/vectors/topk.js';
import type { Ranked } from './types.js';

/**
 * Candidates from a vector index outside the browser (`npm run cli -- serve`, LanceDB), re-ranked
 * on the client by a session model. The wire format is defined here once (zod) and used by
 * both the server (src/node/vector-index.ts) and this client. Runs in Node and the browser
 * (only `fetch`). In the app, the page's Content-Security-Policy must allow the endpoint's
 * origin in `connect-src` (or the endpoint is served under the app's own origin).
 */

export const CandidatesRequest = z.object({
  /** The session embedding (e.g. LLMSeqSim's session vector), the index's dimension. */
  vector: z.array(z.number().finite()).min(1).max(8192),
  k: z.number().int().min(1).default(200),
});
export type CandidatesRequest = z.infer<typeof CandidatesRequest>;

export const CandidatesResponse = z
  .object({
    /** Dense catalog indices, best first. */
    items: z.array(z.number().int().nonnegative()),
    /** Dataset item ids of the same rows. */
    ids: z.array(z.number().int()),
    /** Similarity to the query (higher is better). */
    scores: z.array(z.number()),
  })
  .refine((r) => r.items.length === r.ids.length && r.items.length === r.scores.length, 'items, ids and scores must have the same length');
export type CandidatesResponse = z.infer<typeof CandidatesResponse>;

/** `GET /v1/info`: what the index holds. */
export const CandidatesInfo = z.object({
  rows: z.number().int().nonnegative(),
  dim: z.number().int().positive(),
  metric: z.enum(['dot', 'cosine', 'l2']),
});
export type CandidatesInfo = z.infer<typeof CandidatesInfo>;

export interface CandidateSource {
  candidates(query: Float32Array, n: number): Promise<CandidatesResponse>;
  /** What the index holds (to check it is an index of this catalog before trusting its answers). */
  info?(): Promise<CandidatesInfo>;
}

export interface HttpCandidatesOptions {
  readonly fetch?: typeof fetch;
  readonly timeoutMs?: number;
}

/** A candidate source over HTTP: `endpoint` is the server's base URL, e.g. http://127.0.0.1:4300. */
export function httpCandidateSource(endpoint: string, opts: HttpCandidatesOptions = {}): CandidateSource {
  const doFetch = opts.fetch ?? globalThis.fetch;
  const base = endpoint.replace(/\/+$/, '');
  async function call<T>(path: string, schema: z.ZodType<T>, init: RequestInit = {}): Promise<T> {
    const url = `${base}${path}`;
    const res = await doFetch(url, { ...init, signal: AbortSignal.timeout(opts.timeoutMs ?? 10_000) });
    const text = await res.text();
    if (!res.ok) {
      let msg = text;
      try {
        msg = (JSON.parse(text) as { error?: string }).error ?? text;
      } catch {
        // not JSON: keep the text
      }
      throw new Error(`${url}: HTTP ${res.status}: ${msg}`);
    }
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      throw new Error(`${url}: the answer is not JSON`);
    }
    const parsed = schema.safeParse(body);
    if (!parsed.success) throw new Error(`${url}: unexpected response (${parsed.error.issues[0]?.message ?? 'invalid'})`);
    return parsed.data;
  }
  return {
    candidates: (query, n) =>
      call('/v1/candidates', CandidatesResponse, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ vector: Array.from(query), k: n }),
      }),
    info: () => call('/v1/info', CandidatesInfo),
  };
}

/** Scores a session's next item over a given set of catalog items (dense indices), one score per candidate. */
export type CandidateScorer = (session: Int32Array, candidates: Int32Array) => Float32Array | Promise<Float32Array>;

/**
 * Top-k of the candidates by the scorer (session items excluded). Without a scorer, the
 * index's own order (the session-embedding similarity, i.e. LLMSeqSim) is kept.
 */
export async function rerankCandidates(
  source: CandidateSource,
  sessionEmbedding: Float32Array,
  session: Int32Array,
  k: number,
  opts: { n?: number; scorer?: CandidateScorer } = {},
): Promise<Ranked> {
  const got = await source.candidates(sessionEmbedding, opts.n ?? 200);
  const cands = Int32Array.from(got.items);
  const scores = opts.scorer ? await opts.scorer(session, cands) : Float32Array.from(got.scores);
  return topAmong(cands, scores, session, k);
}

/** The k best candidates by their scores (one per candidate), session items left out; -1 pads. */
export function topAmong(candidates: Int32Array, scores: Float32Array, session: ArrayLike<number>, k: number): Ranked {
  if (scores.length !== candidates.length) throw new RangeError(`${scores.length} scores for ${candidates.length} candidates`);
  const inSession = new Set(Array.from(session));
  const masked = Float32Array.from(scores, (s, i) => (inSession.has(candidates[i]) ? -Infinity : s));
  const pos = new Int32Array(k);
  const best = new Float32Array(k);
  topKInto(masked, k, pos, best);
  return { items: Int32Array.from(pos, (p) => (p < 0 ? -1 : candidates[p])), scores: best };
}
