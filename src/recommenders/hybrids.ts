import type { EvalCases, SessionSet } from '../core/dataset/types.js';
import type { RecLists } from '../core/metrics/metrics.js';
import type { Ranked, Recommender } from './types.js';

/**
 * The hybrids of the extension paper (Boz et al. 2024; the authors' `main/hybrids/`), built
 * from already-built component models. Lists are combined exactly as their code does: rank and
 * confidence rules concatenate, drop duplicates (first occurrence wins) and cut to k.
 */

/** Share of training sessions that contain each item (the hybrids' popularity). */
export function sessionPopularity(train: SessionSet, nItems: number): Float64Array {
  const share = new Float64Array(nItems);
  const seenIn = new Int32Array(nItems).fill(-1);
  const nSessions = train.offsets.length - 1;
  for (let s = 0; s < nSessions; s++) {
    for (let p = train.offsets[s]; p < train.offsets[s + 1]; p++) {
      const it = train.items[p];
      if (seenIn[it] !== s) {
        seenIn[it] = s;
        share[it]++;
      }
    }
  }
  if (nSessions > 0) for (let i = 0; i < nItems; i++) share[i] /= nSessions;
  return share;
}

/**
 * The q-quantile of the popularity of the items that occur in training, with linear
 * interpolation between order statistics (pandas' default, which the authors' code uses).
 */
export function popularityQuantile(popularity: Float64Array, q: number): number {
  const seen = popularity.filter((v) => v > 0).sort();
  if (seen.length === 0) return 0;
  const pos = q * (seen.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(seen.length - 1, lo + 1);
  return seen[lo] + (seen[hi] - seen[lo]) * (pos - lo);
}

/** Unique items of `lists` in order (first occurrence wins), cut to k, padded with -1. */
function combine(k: number, ...lists: ArrayLike<number>[]): Int32Array {
  const out = new Int32Array(k).fill(-1);
  const used = new Set<number>();
  let j = 0;
  for (const list of lists) {
    for (let r = 0; r < list.length && j < k; r++) {
      const it = list[r];
      if (it < 0 || used.has(it)) continue;
      used.add(it);
      out[j++] = it;
    }
  }
  return out;
}

/** Scores and explanations of combined items, taken from the component that contributed each. */
function ranked(items: Int32Array, sources: readonly Ranked[]): Ranked {
  const scores = new Float32Array(items.length).fill(-Infinity);
  const because = new Int32Array(items.length).fill(-1);
  items.forEach((it, j) => {
    if (it < 0) return;
    for (const s of sources) {
      const r = s.items.indexOf(it);
      if (r >= 0) {
        scores[j] = s.scores[r];
        because[j] = s.because?.[r] ?? -1;
        return;
      }
    }
  });
  return { items, scores, because };
}

async function recommendAny(m: Recommender, session: Int32Array, k: number, explain: boolean): Promise<Ranked> {
  return m.recommendAsync ? m.recommendAsync(session, k, explain) : m.recommend(session, k, explain);
}

function listOf(lists: RecLists, c: number): Int32Array {
  return lists.items.subarray(c * lists.k, (c + 1) * lists.k);
}

/** A hybrid from a per-session rule over component lists, with sync, async and batch paths. */
function hybrid(
  name: string,
  config: object,
  parts: readonly Recommender[],
  depth: (k: number) => number,
  rule: (session: Int32Array, lists: readonly Ranked[], k: number) => Int32Array,
): Recommender {
  return {
    name,
    config,
    recommend(session, k, explain = false) {
      const lists = parts.map((m) => m.recommend(session, depth(k), explain));
      return ranked(rule(session, lists, k), lists);
    },
    async recommendAsync(session, k, explain = false) {
      const lists = await Promise.all(parts.map((m) => recommendAny(m, session, depth(k), explain)));
      return ranked(rule(session, lists, k), lists);
    },
    recommendBatch(cases: EvalCases, k: number, onProgress?: (done: number) => void): RecLists {
      const n = cases.targets.length;
      const all = parts.map((m) => recommendListsOf(m, cases, depth(k)));
      const out = new Int32Array(n * k);
      const noScores = new Float32Array(0);
      for (let c = 0; c < n; c++) {
        const session = cases.promptItems.subarray(cases.promptOffsets[c], cases.promptOffsets[c + 1]);
        out.set(rule(session, all.map((l) => ({ items: listOf(l, c), scores: noScores })), k), c * k);
      }
      onProgress?.(n);
      return { k, items: out };
    },
    dispose: () => parts.forEach((m) => m.dispose?.()),
  };
}

function recommendListsOf(m: Recommender, cases: EvalCases, k: number): RecLists {
  if (m.recommendBatch) return m.recommendBatch(cases, k);
  const n = cases.targets.length;
  const items = new Int32Array(n * k).fill(-1);
  for (let c = 0; c < n; c++) items.set(m.recommend(cases.promptItems.subarray(cases.promptOffsets[c], cases.promptOffsets[c + 1]), k).items, c * k);
  return { k, items };
}

export type EnsembleRule = { readonly by: 'rank'; readonly rank: number } | { readonly by: 'confidence'; readonly confidence: number };

/**
 * EmbeddingEnsemble: model 1's top `rank` items (rank rule) or its items while their score is at
 * least `confidence` (confidence rule), then model 2's list; duplicates dropped, cut to k.
 */
export function embeddingEnsemble(name: string, config: object, first: Recommender, second: Recommender, rule: EnsembleRule): Recommender {
  if (rule.by === 'rank') {
    return hybrid(name, config, [first, second], (k) => k, (_s, [a, b], k) => combine(k, a.items.subarray(0, rule.rank), b.items));
  }
  const m = hybrid(name, config, [first, second], (k) => k, (_s, [a, b], k) => {
    let cut = 0;
    while (cut < a.items.length && a.items[cut] >= 0 && a.scores[cut] >= rule.confidence) cut++;
    return combine(k, a.items.subarray(0, cut), b.items);
  });
  // The confidence rule needs model 1's scores, which the batch path does not carry.
  return { ...m, recommendBatch: undefined };
}

/**
 * LLMSeqSim&Sequential: the sequential model's list when the session's last item is popular
 * (share of training sessions at or above the q-quantile threshold), else LLMSeqSim's.
 */
export function llmSeqSimSequential(
  name: string,
  config: object,
  llmseqsim: Recommender,
  sequential: Recommender,
  popularity: Float64Array,
  quantile: number,
): Recommender {
  const threshold = popularityQuantile(popularity, quantile);
  return hybrid(name, config, [llmseqsim, sequential], (k) => k, (session, [emb, seq], k) => {
    const last = session[session.length - 1];
    const popular = last !== undefined && last < popularity.length && popularity[last] >= threshold;
    return combine(k, popular ? seq.items : emb.items);
  });
}

/**
 * LLMSeqSim&Popularity: LLMSeqSim's top `candidates`; items below the popularity q-quantile
 * are removed, best-ranked first as the authors' code does, while more than k remain; cut to k.
 */
export function llmSeqSimPopularity(
  name: string,
  config: object,
  llmseqsim: Recommender,
  popularity: Float64Array,
  quantile: number,
  candidates: number,
): Recommender {
  const threshold = popularityQuantile(popularity, quantile);
  return hybrid(name, config, [llmseqsim], (k) => Math.max(k, candidates), (_s, [emb], k) => {
    const list = Array.from(emb.items).filter((it) => it >= 0);
    const low = list.filter((it) => popularity[it] < threshold);
    const dropped = new Set<number>();
    let left = list.length;
    for (const it of low) {
      if (left <= k) break;
      dropped.add(it);
      left--;
    }
    return combine(k, list.filter((it) => !dropped.has(it)));
  });
}
