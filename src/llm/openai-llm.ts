import { fetchWithRetry, type RetryOptions } from '../net/http-retry.js';

/**
 * An OpenAI-compatible language-model client for LLMSeqPrompt: file upload and a fine-tuning
 * job with polling and resume, completions (`/completions`, the RecSys'23 prompt format) and
 * chat completions (`/chat/completions`, the extension's format) with the paper's parameters,
 * bounded concurrency, retries with backoff on 429/5xx (src/net/http-retry.ts), and a
 * completion cache keyed by (model, parameters, prompt) so an evaluation re-runs at zero
 * requests. Works with OpenAI and with local servers that speak the same API (llama.cpp,
 * vLLM, Ollama: they serve /completions and /chat/completions; fine-tuning is OpenAI's).
 */
export interface CompletionParams {
  readonly max_tokens: number;
  readonly temperature: number;
  readonly top_p: number;
  readonly n: number;
  readonly stop: string | readonly string[];
}

/** The paper's inference parameters (the extension found temperature 0.25 better). */
export const PAPER_PARAMS: CompletionParams = { max_tokens: 50, temperature: 0.5, top_p: 1, n: 20, stop: '###' };

export interface ChatMessage {
  readonly role: 'system' | 'user' | 'assistant';
  readonly content: string;
}

/** Stored completions: key -> the n texts. A Map works; the CLI keeps one on disk. */
export interface CompletionCache {
  get(key: string): readonly string[] | undefined;
  set(key: string, texts: readonly string[]): void;
}

export interface LlmStats {
  requests: number;
  cached: number;
  retries: number;
  promptTokens: number;
  completionTokens: number;
}

export interface OpenAiLlmOptions extends RetryOptions {
  readonly baseUrl: string;
  readonly apiKey: string;
  /** Requests in flight at once. */
  readonly concurrency?: number;
  readonly cache?: CompletionCache;
  readonly pollIntervalMs?: number;
}

export interface FineTuneJob {
  readonly id: string;
  readonly status: string;
  readonly fine_tuned_model: string | null;
  readonly training_file: string;
  readonly error?: unknown;
}

/** What a fine-tuning run has done so far (persisted by the caller between runs: resume). */
export interface FineTuneState {
  trainingFile?: string;
  validationFile?: string;
  jobId?: string;
  fineTunedModel?: string;
}

const RUNNING = new Set(['validating_files', 'queued', 'running']);

/** The cache key: the model, the parameters and the prompt (text or messages), as one JSON string. */
export function completionKey(model: string, params: CompletionParams, prompt: string | readonly ChatMessage[]): string {
  return JSON.stringify({ model, params: { max_tokens: params.max_tokens, temperature: params.temperature, top_p: params.top_p, n: params.n, stop: params.stop }, prompt });
}

interface CompletionsResponse {
  choices: { index?: number; text?: string; message?: { content?: string | null } }[];
  usage?: { prompt_tokens?: number; completion_tokens?: number };
}

export class OpenAiLlm {
  readonly stats: LlmStats = { requests: 0, cached: 0, retries: 0, promptTokens: 0, completionTokens: 0 };
  private readonly base: string;

  constructor(private readonly o: OpenAiLlmOptions) {
    this.base = o.baseUrl.replace(/\/+$/, '');
  }

  private retry(): RetryOptions {
    return { ...this.o, onRetry: (f, w) => {
      this.stats.retries++;
      this.o.onRetry?.(f, w);
    } };
  }

  private async json<T>(path: string, init: () => RequestInit): Promise<T> {
    this.stats.requests++;
    const res = await fetchWithRetry(`${this.base}${path}`, () => {
      const i = init();
      return { ...i, headers: { authorization: `Bearer ${this.o.apiKey}`, ...(i.headers as Record<string, string> | undefined) } };
    }, this.retry());
    return (await res.json()) as T;
  }

  private post<T>(path: string, body: unknown): Promise<T> {
    return this.json<T>(path, () => ({ method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }));
  }

  async uploadFile(name: string, content: string, purpose = 'fine-tune'): Promise<{ id: string; status?: string }> {
    return this.json('/files', () => {
      const form = new FormData();
      form.append('purpose', purpose);
      form.append('file', new Blob([content], { type: 'application/jsonl' }), name);
      return { method: 'POST', body: form };
    });
  }

  createFineTune(body: { training_file: string; validation_file?: string; model: string; suffix?: string }): Promise<FineTuneJob> {
    return this.post('/fine_tuning/jobs', body);
  }

  getJob(id: string): Promise<FineTuneJob> {
    return this.json(`/fine_tuning/jobs/${encodeURIComponent(id)}`, () => ({ method: 'GET' }));
  }

  /** Polls a job until it leaves validating_files / queued / running; fails unless it succeeded. */
  async waitForJob(id: string, onStatus?: (job: FineTuneJob) => void): Promise<FineTuneJob> {
    const sleep = this.o.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
    for (;;) {
      const job = await this.getJob(id);
      onStatus?.(job);
      if (!RUNNING.has(job.status)) {
        if (job.status !== 'succeeded' || !job.fine_tuned_model) throw new Error(`fine-tuning job ${id} ended as ${job.status}${job.error ? `: ${JSON.stringify(job.error)}` : ''}`);
        return job;
      }
      await sleep(this.o.pollIntervalMs ?? 10_000);
    }
  }

  /**
   * Upload -> job -> poll, resuming from `state` (saved through `save` after each step): a
   * re-run after an interruption neither re-uploads nor starts a second job.
   */
  async fineTune(
    o: { train: string; valid: string; model: string; suffix?: string },
    state: FineTuneState,
    save: (s: FineTuneState) => void,
    onStatus?: (job: FineTuneJob) => void,
  ): Promise<string> {
    if (state.fineTunedModel) return state.fineTunedModel;
    if (!state.trainingFile) {
      state.trainingFile = (await this.uploadFile('train.jsonl', o.train)).id;
      save(state);
    }
    if (!state.validationFile) {
      state.validationFile = (await this.uploadFile('valid.jsonl', o.valid)).id;
      save(state);
    }
    if (!state.jobId) {
      const job = await this.createFineTune({ training_file: state.trainingFile, validation_file: state.validationFile, model: o.model, ...(o.suffix ? { suffix: o.suffix } : {}) });
      state.jobId = job.id;
      save(state);
    }
    const done = await this.waitForJob(state.jobId, onStatus);
    state.fineTunedModel = done.fine_tuned_model!;
    save(state);
    return state.fineTunedModel;
  }

  private async oneCompletion(model: string, params: CompletionParams, prompt: string | readonly ChatMessage[]): Promise<string[]> {
    const key = completionKey(model, params, prompt);
    const hit = this.o.cache?.get(key);
    if (hit) {
      this.stats.cached++;
      return [...hit];
    }
    const chat = typeof prompt !== 'string';
    const body = { model, ...(chat ? { messages: prompt } : { prompt }), max_tokens: params.max_tokens, temperature: params.temperature, top_p: params.top_p, n: params.n, stop: params.stop };
    const r = await this.post<CompletionsResponse>(chat ? '/chat/completions' : '/completions', body);
    if (!Array.isArray(r.choices)) throw new Error(`${this.base}: unexpected completion response (no choices)`);
    const texts = [...r.choices].sort((a, b) => (a.index ?? 0) - (b.index ?? 0)).map((c) => (chat ? (c.message?.content ?? '') : (c.text ?? '')));
    this.stats.promptTokens += r.usage?.prompt_tokens ?? 0;
    this.stats.completionTokens += r.usage?.completion_tokens ?? 0;
    this.o.cache?.set(key, texts);
    return texts;
  }

  /** The n completions of every prompt (in prompt order), `concurrency` requests at a time. */
  async completeAll(
    model: string,
    prompts: readonly (string | readonly ChatMessage[])[],
    params: CompletionParams = PAPER_PARAMS,
    onProgress?: (done: number, stats: LlmStats) => void,
  ): Promise<string[][]> {
    const out: string[][] = new Array<string[]>(prompts.length);
    let next = 0;
    let done = 0;
    const worker = async () => {
      while (next < prompts.length) {
        const i = next++;
        out[i] = await this.oneCompletion(model, params, prompts[i]);
        onProgress?.(++done, this.stats);
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, Math.min(this.o.concurrency ?? 4, prompts.length)) }, worker));
    return out;
  }
}
