import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { EvalCases } from '../core/dataset/types.js';
import { historyNames } from '../core/prompt/chat-data.js';
import { CHAT_SYSTEM, chatUser, completionName, itemName, promptSplit, recsysLine, recsysPrompt } from '../core/prompt/format.js';
import { buildNameIndex, type GeneratedMatch, mapGeneratedNames } from '../core/prompt/mapping.js';
import { openAiEmbedder } from '../embedders/openai.js';
import { type Protocol, scoreLists } from '../evaluation/protocol.js';
import { type ChatMessage, type CompletionParams, type FineTuneState, type LlmStats, OpenAiLlm, PAPER_PARAMS } from '../llm/openai-llm.js';
import { loadEmbeddings } from './artifacts.js';
import { diskCompletionCache } from './completion-cache.js';
import { localNameEmbedder } from './llmseqprompt.js';
import { ROOT } from './paths.js';

/**
 * LLMSeqPrompt with a real LLM behind an OpenAI-compatible API (OPENAI_BASE_URL, OPENAI_API_KEY,
 * as `embed`): fine-tune on the prompt-data pairs (resumable), then ask for n=20 completions of
 * every test session and map the names back to items with the same code as the local model.
 * Completions are cached under .cache/completions/, so a re-run costs no requests.
 */
export function remoteLlm(concurrency: number, onRetry?: (f: string, w: number) => void): OpenAiLlm {
  const apiKey = process.env.OPENAI_API_KEY;
  if (!apiKey) throw new Error('the openai provider needs OPENAI_API_KEY in the environment (and OPENAI_BASE_URL for another server, e.g. http://127.0.0.1:8080/v1 for llama.cpp)');
  return new OpenAiLlm({
    baseUrl: process.env.OPENAI_BASE_URL ?? 'https://api.openai.com/v1',
    apiKey,
    concurrency,
    cache: diskCompletionCache(join(ROOT, '.cache', 'completions', 'completions.jsonl')),
    ...(onRetry ? { onRetry } : {}),
  });
}

/** Fine-tunes `baseModel` on the RecSys'23 pairs of the training split; the job state is kept in .cache/ for resume. */
export async function remoteFineTune(p: Protocol, baseModel: string, suffix: string | undefined, seed: number, log: (s: string) => void): Promise<string> {
  const titles = p.dataset.catalog.titles;
  const split = promptSplit(p.split.train, seed);
  const lines = (ss: Int32Array[]) => ss.map((s) => `${recsysLine(s, titles)}\n`).join('');
  const statePath = join(ROOT, '.cache', `finetune-${p.dataset.name}-${baseModel.replace(/[^A-Za-z0-9._-]+/g, '-')}-${seed}.json`);
  const state: FineTuneState = existsSync(statePath) ? (JSON.parse(readFileSync(statePath, 'utf8')) as FineTuneState) : {};
  if (state.jobId || state.trainingFile) log(`resuming from ${statePath}: ${JSON.stringify(state)}`);
  const save = (s: FineTuneState) => {
    mkdirSync(dirname(statePath), { recursive: true });
    writeFileSync(statePath, JSON.stringify(s));
  };
  return remoteLlm(1).fineTune({ train: lines(split.train), valid: lines(split.valid), model: baseModel, suffix }, state, save, (j) => log(`job ${j.id}: ${j.status}`));
}

export interface RemoteEvalResult {
  sessions: number;
  metrics: Record<string, number>;
  stats: LlmStats;
  exact: number;
  nearest: number;
  examples: GeneratedMatch[][];
}

/** The test prompts (RecSys'23 completions, or the chat GenItem messages without the answer). */
export function testPrompts(cases: EvalCases, titles: readonly string[], format: 'recsys23' | 'chat'): (string | ChatMessage[])[] {
  const out: (string | ChatMessage[])[] = [];
  for (let c = 0; c < cases.targets.length; c++) {
    const history = cases.promptItems.subarray(cases.promptOffsets[c], cases.promptOffsets[c + 1]);
    out.push(
      format === 'recsys23'
        ? recsysPrompt(Array.from(history, (i) => itemName(titles, i)))
        : [
            { role: 'system', content: CHAT_SYSTEM.genitem },
            { role: 'user', content: chatUser('genitem', historyNames(history, titles)) },
          ],
    );
  }
  return out;
}

export async function remoteEvaluate(
  p: Protocol,
  cases: EvalCases,
  o: { model: string; format: 'recsys23' | 'chat'; params?: Partial<CompletionParams>; concurrency: number; embeddings?: string },
  onProgress?: (done: number, stats: LlmStats) => void,
): Promise<RemoteEvalResult> {
  const titles = p.dataset.catalog.titles;
  const llm = remoteLlm(o.concurrency);
  const params = { ...PAPER_PARAMS, ...o.params };
  const texts = await llm.completeAll(o.model, testPrompts(cases, titles, o.format), params, onProgress);
  const emb = await loadEmbeddings(p.dataset.name, p.dataset.catalog, o.embeddings);
  const embed =
    emb.entry.provider === 'openai-compatible'
      ? (t: readonly string[]) => openAiEmbedder({ baseUrl: process.env.OPENAI_BASE_URL ?? 'https://api.openai.com/v1', apiKey: process.env.OPENAI_API_KEY ?? '', model: emb.entry.model }).embed(t)
      : await localNameEmbedder(emb.entry.model.split('/').pop());
  const ctx = { index: buildNameIndex(titles), itemVectors: emb.vectors, embed };
  const k = Math.max(...p.cutoffs);
  const items = new Int32Array(cases.targets.length * k).fill(-1);
  const examples: GeneratedMatch[][] = [];
  let exact = 0;
  let nearest = 0;
  for (let c = 0; c < cases.targets.length; c++) {
    const names = texts[c].map(completionName).filter((n) => n !== '');
    const m = await mapGeneratedNames(names, cases.promptItems.subarray(cases.promptOffsets[c], cases.promptOffsets[c + 1]), k, ctx);
    items.set(m.items, c * k);
    for (const g of m.generated) {
      if (g.how === 'exact') exact++;
      else nearest++;
    }
    if (c < 3) examples.push(m.generated.slice(0, 3));
  }
  return { sessions: cases.targets.length, metrics: scoreLists(p, { k, items }, cases.targets), stats: llm.stats, exact, nearest, examples };
}
