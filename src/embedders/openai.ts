import { fetchWithRetry } from '../net/http-retry.js';
import type { TextEmbedder } from './types.js';

/**
 * An OpenAI-compatible embeddings endpoint (`POST {baseUrl}/embeddings` with
 * `{model, input: string[]}`), the route to the paper's text-embedding-ada-002 vectors.
 * Retries 429/5xx and network errors with exponential backoff (honouring Retry-After; src/net/http-retry.ts).
 */
export interface OpenAiEmbedderOptions {
  readonly baseUrl: string;
  readonly apiKey: string;
  readonly model: string;
  readonly maxRetries?: number;
  readonly initialBackoffMs?: number;
  readonly fetchImpl?: typeof fetch;
  readonly sleep?: (ms: number) => Promise<void>;
}

interface EmbeddingsResponse {
  data: { index: number; embedding: number[] }[];
}

function isEmbeddingsResponse(x: unknown): x is EmbeddingsResponse {
  if (typeof x !== 'object' || x === null || !Array.isArray((x as { data?: unknown }).data)) return false;
  return (x as EmbeddingsResponse).data.every((d) => typeof d.index === 'number' && Array.isArray(d.embedding));
}

export function openAiEmbedder(options: OpenAiEmbedderOptions): TextEmbedder {
  const url = `${options.baseUrl.replace(/\/+$/, '')}/embeddings`;
  return {
    provider: 'openai-compatible',
    model: options.model,
    pooling: 'provider',
    async embed(texts: readonly string[]): Promise<Float32Array[]> {
      if (texts.length === 0) return [];
      const res = await fetchWithRetry(
        url,
        () => ({
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${options.apiKey}` },
          body: JSON.stringify({ model: options.model, input: texts }),
        }),
        options,
      );
      const body: unknown = await res.json();
      if (!isEmbeddingsResponse(body) || body.data.length !== texts.length) {
        throw new Error(`${url}: unexpected response shape (expected ${texts.length} embeddings)`);
      }
      const out: Float32Array[] = new Array<Float32Array>(texts.length);
      for (const d of body.data) out[d.index] = Float32Array.from(d.embedding);
      return out;
    },
  };
}
