/**
 * One HTTP request with retries, shared by the OpenAI-compatible clients (embeddings,
 * completions, files, fine-tuning): 429, 5xx and network errors are retried with exponential
 * backoff (honouring a positive Retry-After), other errors fail at once with the response text.
 */
export interface RetryOptions {
  readonly maxRetries?: number;
  readonly initialBackoffMs?: number;
  readonly fetchImpl?: typeof fetch;
  readonly sleep?: (ms: number) => Promise<void>;
  /** Told before each retry (e.g. to count 429s in a progress line). */
  readonly onRetry?: (failure: string, waitMs: number) => void;
}

export const defaultSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Sends `init()` (built per attempt, so bodies can be re-sent) until a 2xx response, which it returns. */
export async function fetchWithRetry(url: string, init: () => RequestInit, o: RetryOptions = {}): Promise<Response> {
  const fetchImpl = o.fetchImpl ?? fetch;
  const sleep = o.sleep ?? defaultSleep;
  const maxRetries = o.maxRetries ?? 5;
  let backoff = o.initialBackoffMs ?? 1000;
  for (let attempt = 0; ; attempt++) {
    let res: Response | undefined;
    let failure = '';
    try {
      res = await fetchImpl(url, init());
    } catch (e) {
      failure = (e as Error).message; // network error: retry
    }
    if (res) {
      if (res.ok) return res;
      failure = `HTTP ${res.status} ${(await res.text()).slice(0, 200)}`;
      if (res.status !== 429 && res.status < 500) throw new Error(`${url}: ${failure}`);
    }
    if (attempt >= maxRetries) throw new Error(`${url}: giving up after ${attempt + 1} attempts (${failure})`);
    const retryAfter = Number(res?.headers.get('retry-after'));
    const wait = Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter * 1000 : backoff;
    o.onRetry?.(failure, wait);
    await sleep(wait);
    backoff *= 2;
  }
}
