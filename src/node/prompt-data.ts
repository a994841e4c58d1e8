import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { popularityStats } from '../core/metrics/metrics.js';
import { type ChatDataContext, clusterCatalog } from '../core/prompt/chat-data.js';
import { chatExample } from '../core/prompt/chat-data.js';
import { type ChatVariant, chatLine, promptSplit, recsysLine } from '../core/prompt/format.js';
import { mulberry32 } from '../core/vectors/random.js';
import { makeProtocol } from '../evaluation/protocol.js';
import { fitLlmSeqSim } from '../recommenders/llmseqsim.js';
import { loadEmbeddings } from './artifacts.js';
import { loadDataset } from './dataset-files.js';

/** Number of k-means clusters of the Classify variant (the extension's 200). */
export const CLASSIFY_CLUSTERS = 200;

export interface PromptDataOptions {
  readonly dataset: string;
  readonly out: string;
  readonly format: 'recsys23' | 'chat';
  readonly variant: ChatVariant;
  readonly embeddings?: string;
  readonly seed: number;
  readonly log?: (line: string) => void;
}

/**
 * Writes `train.jsonl` and `valid.jsonl` for the training split of the paper's protocol: one
 * line per training session (shuffled with the seed; the first 500 validate), each line
 * ending in "\n". LLMSeqSim (genlist, rank) uses its paper default here: mean of the history's
 * embeddings, cosine similarity.
 */
export async function writePromptData(o: PromptDataOptions): Promise<{ train: number; valid: number }> {
  const dataset = loadDataset(o.dataset);
  const p = makeProtocol(dataset);
  const titles = dataset.catalog.titles;
  const split = promptSplit(p.split.train, o.seed);
  let line: (s: Int32Array) => string;
  if (o.format === 'recsys23') {
    line = (s) => recsysLine(s, titles);
  } else {
    const ctx: { -readonly [K in keyof ChatDataContext]: ChatDataContext[K] } = { titles, rand: mulberry32(o.seed ^ 0x7a11) };
    if (o.variant !== 'genitem') {
      const emb = await loadEmbeddings(o.dataset, dataset.catalog, o.embeddings);
      o.log?.(`embeddings: ${emb.entry.name}`);
      if (o.variant === 'classify') {
        const t0 = performance.now();
        ctx.clusters = clusterCatalog(emb.vectors, popularityStats(p.split.train.items, titles.length).counts, titles, CLASSIFY_CLUSTERS, o.seed);
        o.log?.(`k-means: ${CLASSIFY_CLUSTERS} clusters in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
      } else {
        const sim = fitLlmSeqSim({ train: p.split.train, nItems: titles.length, embeddings: emb.vectors });
        ctx.topList = (history, k) => sim.recommend(history, k).items;
      }
    }
    line = (s) => chatLine(chatExample(o.variant, s, ctx));
  }
  mkdirSync(o.out, { recursive: true });
  const write = (file: string, sessions: Int32Array[]) => writeFileSync(join(o.out, file), sessions.map((s) => `${line(s)}\n`).join(''));
  write('valid.jsonl', split.valid);
  write('train.jsonl', split.train);
  return { train: split.train.length, valid: split.valid.length };
}
