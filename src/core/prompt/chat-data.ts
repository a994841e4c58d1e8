import type { DenseMatrix } from '../vectors/matrix.js';
import { kMeans, nearestCenters } from '../vectors/kmeans.js';
import { type ChatMessage, type ChatVariant, chatMessages, itemName, MAX_PROMPT_CHARS, MAX_PROMPT_ITEMS } from './format.js';

/**
 * Training examples of the extension's chat-format variants (Boz et al. 2024), built as the
 * authors' generate_finetune_prompts notebooks build them:
 * - genitem: the history's names -> the next item's name;
 * - genlist: -> a ranked list of 20: the true next item first, then LLMSeqSim's top list for
 *   the history (without the true item);
 * - rank: the same 20 as candidates in shuffled order -> ranked;
 * - classify: the names of k-means clusters of the item embeddings (each named by its most
 *   popular item) as candidates -> the 20 clusters whose centers are nearest the true item.
 */
export interface ChatDataContext {
  readonly titles: readonly string[];
  /** genlist / rank: LLMSeqSim's top-k (k >= 20) for a history, best first. */
  readonly topList?: (history: Int32Array, k: number) => Int32Array;
  /** classify: clusters of the item embeddings. */
  readonly clusters?: Clusters;
  /** rank: shuffles the candidates (seeded). */
  readonly rand?: () => number;
}

export interface Clusters {
  readonly centers: DenseMatrix;
  /** The item naming each cluster (its most popular item with a name). */
  readonly namedBy: Int32Array;
  readonly itemVectors: DenseMatrix;
}

export const LIST_LENGTH = 20;

/** History names, cut to the last 20 items when they exceed 5,000 characters (as the RecSys'23 prompts). */
export function historyNames(history: ArrayLike<number>, titles: readonly string[]): string[] {
  const names = Array.from(history, (i) => itemName(titles, i));
  return names.join('\n').length > MAX_PROMPT_CHARS ? names.slice(-MAX_PROMPT_ITEMS) : names;
}

/** The true item first, then the top list without it, LIST_LENGTH in all. */
export function groundedList(truth: number, top: ArrayLike<number>): number[] {
  const out = [truth];
  for (let i = 0; i < top.length && out.length < LIST_LENGTH; i++) if (top[i] !== truth && top[i] >= 0) out.push(top[i]);
  return out;
}

export function clusterCatalog(itemVectors: DenseMatrix, popularity: ArrayLike<number>, titles: readonly string[], k: number, seed: number): Clusters {
  const { centers, labels } = kMeans(itemVectors, k, { seed });
  const namedBy = new Int32Array(k).fill(-1);
  const order = Array.from({ length: itemVectors.rows }, (_, i) => i).sort((a, b) => popularity[b] - popularity[a] || a - b);
  for (const i of order) if (namedBy[labels[i]] < 0 && titles[i]?.trim()) namedBy[labels[i]] = i;
  // A cluster of unnamed items only (never seen on Beauty) is named by its first item.
  labels.forEach((c, i) => {
    if (namedBy[c] < 0) namedBy[c] = i;
  });
  return { centers, namedBy, itemVectors };
}

function shuffled<T>(xs: readonly T[], rand: () => number): T[] {
  const out = [...xs];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

export function chatExample(variant: ChatVariant, session: Int32Array, ctx: ChatDataContext): ChatMessage[] {
  const history = session.subarray(0, session.length - 1);
  const truth = session[session.length - 1];
  const names = historyNames(history, ctx.titles);
  const name = (i: number) => itemName(ctx.titles, i);
  switch (variant) {
    case 'genitem':
      return chatMessages('genitem', names, [name(truth)]);
    case 'genlist':
    case 'rank': {
      if (!ctx.topList) throw new Error(`the ${variant} variant needs LLMSeqSim's top list (item embeddings)`);
      const list = groundedList(truth, ctx.topList(history, LIST_LENGTH + 1)).map(name);
      if (variant === 'genlist') return chatMessages('genlist', names, list);
      if (!ctx.rand) throw new Error('the rank variant needs a seeded shuffle');
      return chatMessages('rank', names, list, shuffled(list, ctx.rand));
    }
    case 'classify': {
      const c = ctx.clusters;
      if (!c) throw new Error('the classify variant needs the k-means clusters of the item embeddings');
      const nearest = nearestCenters(c.centers, c.itemVectors.data, truth * c.itemVectors.cols).slice(0, LIST_LENGTH);
      return chatMessages('classify', names, nearest.map((k) => name(c.namedBy[k])), Array.from(c.namedBy, name));
    }
  }
}
