import { z } from 'zod';
import { byItemFor, distinctSessionItems, itemSessionsOf } from '../core/dataset/item-sessions.js';
import { sessionsByLastTime } from '../core/dataset/split.js';
import type { SessionSet } from '../core/dataset/types.js';
import { aggregateSession } from '../core/session/aggregate.js';
import { DECAYS, decayWeights } from '../core/session/decay.js';
import { mulberry32 } from '../core/vectors/random.js';
import { topKInto } from '../core/vectors/topk.js';
import type { Ranked, Recommender, TrainingData } from './types.js';

/**
 * Session-based kNN (Jannach & Ludewig 2017; Ludewig et al. 2018), following the options of
 * dh-r's `SessionBasedCF`: neighbours are sampled from the training sessions sharing an item
 * with the prompt, the k most similar are kept, and a candidate item scores the sum of the
 * similarities of the neighbours holding it (times its idf when idf weighting is on).
 *   V-SKNN: prompt positions weighted by a decay (harmonic by default) in the similarity.
 *   S-SKNN: a neighbour's weight is also scaled by how recent, in the prompt, its most recent
 *           common item is ((position+1)/|prompt|).
 *   SF-SKNN: only items that followed the prompt's last item in some training session.
 */
const decay = z.enum(DECAYS);

export const SknnConfig = z
  .object({
    k: z.number().int().positive().max(100_000),
    sampleSize: z.number().int().positive().max(10_000_000),
    sampling: z.enum(['random', 'recent']),
    similarity: z.enum(['cosine', 'dot']),
    idfWeighting: z.boolean(),
    decay,
    sequentialWeighting: z.boolean(),
    sequentialFilter: z.boolean(),
    /** Use only the last n prompt items (null: all). */
    lastNItems: z.number().int().positive().max(10_000).nullable(),
    filterPromptItems: z.boolean(),
    /** Seed for random sampling; each prompt gets its own stream derived from it, so results do not depend on call order. */
    seed: z.number().int().min(0).max(2 ** 32 - 1),
    /**
     * SKNNEmb: compare sessions by their embeddings (aggregated item embeddings) instead of
     * their shared items. null = the classic item-overlap similarity.
     */
    embeddingSimilarity: z
      .object({
        /** Prompt session embedding (decayed by `decay` when 'mean'). */
        promptAggregation: z.enum(['mean', 'last']),
        /** Training session embeddings. */
        trainingAggregation: z.enum(['mean', 'last']),
        trainingDecay: decay,
      })
      .strict()
      .nullable(),
  })
  .strict()
  .refine((c) => c.sampleSize >= c.k, { message: 'sampleSize must be >= k', path: ['sampleSize'] });
export type SknnConfig = z.infer<typeof SknnConfig>;

export type SknnVariant = 'sknn' | 'v-sknn' | 's-sknn' | 'sf-sknn' | 'sknn-emb';

const BASE: SknnConfig = {
  k: 100,
  sampleSize: 500,
  sampling: 'random',
  similarity: 'cosine',
  idfWeighting: false,
  decay: 'none',
  sequentialWeighting: false,
  sequentialFilter: false,
  lastNItems: null,
  filterPromptItems: true,
  seed: 42,
  embeddingSimilarity: null,
};

/** Defaults per variant. V-SKNN's are the paper's Beauty configuration. */
export const SKNN_DEFAULTS: Record<SknnVariant, SknnConfig> = {
  sknn: BASE,
  'v-sknn': { ...BASE, k: 70, sampleSize: 1090, sampling: 'random', similarity: 'dot', decay: 'harmonic', idfWeighting: true },
  's-sknn': { ...BASE, sequentialWeighting: true },
  'sf-sknn': { ...BASE, sequentialFilter: true },
  'sknn-emb': {
    ...BASE,
    similarity: 'cosine',
    embeddingSimilarity: { promptAggregation: 'mean', trainingAggregation: 'mean', trainingDecay: 'none' },
  },
};

export function validateSknnConfig(c: SknnConfig): void {
  if (!(Number.isInteger(c.k) && c.k >= 1)) throw new RangeError(`k must be a positive integer, got ${c.k}`);
  if (!(Number.isInteger(c.sampleSize) && c.sampleSize >= c.k)) {
    throw new RangeError(`sampleSize must be an integer >= k (${c.k}), got ${c.sampleSize}`);
  }
  if (c.lastNItems !== null && !(Number.isInteger(c.lastNItems) && c.lastNItems >= 1)) {
    throw new RangeError(`lastNItems must be null or a positive integer, got ${c.lastNItems}`);
  }
}

/** The session-item index every SKNN variant needs; built once per training set and shared. */
interface SessionIndex {
  readonly nSessions: number;
  /** Session -> distinct items (the binary session-item matrix), CSR. */
  readonly sOff: Int32Array;
  readonly sessItems: Int32Array;
  /** Sessions holding each item, and item -> sessions CSR. */
  readonly df: Int32Array;
  readonly iOff: Int32Array;
  readonly itemSess: Uint16Array | Int32Array;
  readonly idf: Float64Array;
  /** Recency rank of each session (higher = more recent last interaction); only 'recent' sampling needs it. */
  recency(): Int32Array;
}

const indexCache = new WeakMap<SessionSet, Map<number, SessionIndex>>();

/**
 * The index of a training set: from sessions.bin's precomputed item -> sessions index when the
 * set has one (the app's first recommendation does not wait for building it), else built here.
 */
function sessionIndex(train: SessionSet, nItems: number): SessionIndex {
  let byN = indexCache.get(train);
  if (!byN) indexCache.set(train, (byN = new Map()));
  const cached = byN.get(nItems);
  if (cached) return cached;
  const nSessions = train.offsets.length - 1;
  const pre = byItemFor(train, nItems);
  // A precomputed index is written only for sessions without repeated items: they are their own distinct items.
  const distinct = pre ? { offsets: train.offsets, items: train.items } : distinctSessionItems(train, nItems);
  const { offsets: iOff, sessions: itemSess } = pre ?? itemSessionsOf(distinct, nItems);
  const df = new Int32Array(nItems);
  const idf = new Float64Array(nItems);
  for (let i = 0; i < nItems; i++) {
    df[i] = iOff[i + 1] - iOff[i];
    idf[i] = df[i] > 0 ? 1 + Math.log(nSessions / df[i]) : 0;
  }
  let recency: Int32Array | null = null;
  const index: SessionIndex = {
    nSessions,
    sOff: distinct.offsets,
    sessItems: distinct.items,
    df,
    iOff,
    itemSess,
    idf,
    recency() {
      if (recency) return recency;
      recency = new Int32Array(nSessions);
      const byTime = sessionsByLastTime(train);
      for (let r = 0; r < nSessions; r++) recency[byTime[r]] = r;
      return recency;
    },
  };
  byN.set(nItems, index);
  return index;
}

function hashPrompt(seed: number, items: ArrayLike<number>): number {
  let h = (seed ^ 0x9e3779b9) >>> 0;
  for (let i = 0; i < items.length; i++) h = Math.imul(h ^ items[i], 0x85ebca6b) ^ (h >>> 13);
  return h >>> 0;
}

export function fitSknn(data: TrainingData, name: string, config: SknnConfig): Recommender {
  validateSknnConfig(config);
  const { train, nItems } = data;
  const index = sessionIndex(train, nItems);
  const { nSessions, sOff, sessItems, df, iOff, itemSess, idf } = index;
  const recency = config.sampling === 'recent' ? index.recency() : null;

  // Successors: items that directly followed item i in some training session (for SF-SKNN).
  let succOff: Int32Array | null = null;
  let succ: Int32Array | null = null;
  if (config.sequentialFilter) {
    const sets: Set<number>[] = Array.from({ length: nItems }, () => new Set<number>());
    for (let s = 0; s < nSessions; s++) {
      for (let p = train.offsets[s]; p + 1 < train.offsets[s + 1]; p++) sets[train.items[p]].add(train.items[p + 1]);
    }
    succOff = new Int32Array(nItems + 1);
    for (let i = 0; i < nItems; i++) succOff[i + 1] = succOff[i] + sets[i].size;
    succ = new Int32Array(succOff[nItems]);
    sets.forEach((set, i) => succ!.set(Array.from(set).sort((a, b) => a - b), succOff![i]));
  }

  // SKNNEmb: one embedding per training session, and a scratch vector for the prompt's.
  const emb = config.embeddingSimilarity;
  let sessEmb: Float32Array | null = null;
  let sessNorm: Float32Array | null = null;
  const E = data.embeddings;
  const dim = E ? E.cols : 0;
  const promptEmb = new Float32Array(dim);
  if (emb) {
    if (!E) throw new Error('sknn-emb needs item embeddings (run `npm run cli -- embed` first)');
    sessEmb = new Float32Array(nSessions * dim);
    sessNorm = new Float32Array(nSessions);
    for (let s = 0; s < nSessions; s++) {
      const v = sessEmb.subarray(s * dim, (s + 1) * dim);
      aggregateSession(train.items.subarray(train.offsets[s], train.offsets[s + 1]), emb.trainingAggregation, emb.trainingDecay, E, v);
      let n2 = 0;
      for (let c = 0; c < dim; c++) n2 += v[c] * v[c];
      sessNorm[s] = Math.sqrt(n2);
    }
  }

  // Scratch buffers reused across calls (no per-item objects in the hot loop).
  const stamp = new Int32Array(nSessions);
  let stampValue = 0;
  const weightOf = new Float64Array(nItems);
  const posOf = new Int32Array(nItems).fill(-1);
  const inPrompt = new Uint8Array(nItems);
  const allowed = new Uint8Array(nItems);
  const score = new Float64Array(nItems);
  const touchedMark = new Uint8Array(nItems);
  let possible = new Int32Array(1024);

  function recommend(session: Int32Array, k: number, explain = false): Ranked {
    const outItems = new Int32Array(k).fill(-1);
    const outScores = new Float32Array(k).fill(-Infinity);

    // Distinct trained prompt items, first occurrence order (pd.unique), optionally the last n.
    let src: ArrayLike<number> = session;
    if (config.lastNItems !== null && session.length > config.lastNItems) src = session.subarray(session.length - config.lastNItems);
    const prompt: number[] = [];
    for (let i = 0; i < src.length; i++) {
      const it = src[i];
      if (it >= 0 && it < nItems && df[it] > 0 && !inPrompt[it]) {
        inPrompt[it] = 1;
        prompt.push(it);
      }
    }
    const L = prompt.length;
    if (L === 0) return { items: outItems, scores: outScores };
    const w = decayWeights(config.decay, L);
    let wNorm2 = 0;
    for (let p = 0; p < L; p++) {
      weightOf[prompt[p]] = w[p];
      posOf[prompt[p]] = p;
      wNorm2 += w[p] * w[p];
    }

    // Possible neighbours: every training session holding a prompt item.
    stampValue++;
    let nPossible = 0;
    for (const it of prompt) {
      for (let q = iOff[it]; q < iOff[it + 1]; q++) {
        const s = itemSess[q];
        if (stamp[s] !== stampValue) {
          stamp[s] = stampValue;
          if (nPossible === possible.length) {
            const grown = new Int32Array(possible.length * 2);
            grown.set(possible);
            possible = grown;
          }
          possible[nPossible++] = s;
        }
      }
    }

    // Sample.
    let nSample = nPossible;
    if (nPossible > config.sampleSize) {
      nSample = config.sampleSize;
      if (config.sampling === 'random') {
        const rand = mulberry32(hashPrompt(config.seed, prompt));
        for (let i = 0; i < nSample; i++) {
          const j = i + Math.floor(rand() * (nPossible - i));
          const t = possible[i];
          possible[i] = possible[j];
          possible[j] = t;
        }
      } else {
        const sub = possible.subarray(0, nPossible);
        sub.sort((a, b) => recency![b] - recency![a]);
      }
    }

    // Similarity of each sampled neighbour to the (decay-weighted) prompt.
    const sims = new Float64Array(nSample);
    if (emb && sessEmb && sessNorm && E) {
      aggregateSession(prompt, emb.promptAggregation, config.decay, E, promptEmb);
      let pn = 0;
      for (let c = 0; c < dim; c++) pn += promptEmb[c] * promptEmb[c];
      pn = Math.sqrt(pn);
      for (let i = 0; i < nSample; i++) {
        const s = possible[i];
        let dot = 0;
        for (let c = 0; c < dim; c++) dot += promptEmb[c] * sessEmb[s * dim + c];
        sims[i] = config.similarity === 'dot' ? dot : pn > 0 && sessNorm[s] > 0 ? dot / (pn * sessNorm[s]) : 0;
      }
    } else for (let i = 0; i < nSample; i++) {
      const s = possible[i];
      let dot = 0;
      for (let p = sOff[s]; p < sOff[s + 1]; p++) dot += weightOf[sessItems[p]];
      sims[i] = config.similarity === 'dot' ? dot : dot / (Math.sqrt(sOff[s + 1] - sOff[s]) * Math.sqrt(wNorm2));
    }

    // k nearest.
    const kk = Math.min(config.k, nSample);
    const nn = new Int32Array(kk);
    topKInto(sims, kk, nn, null);

    // Candidate filter for SF-SKNN.
    const last = prompt[L - 1];
    if (succOff && succ) for (let q = succOff[last]; q < succOff[last + 1]; q++) allowed[succ[q]] = 1;

    // Score candidates.
    const touched: number[] = [];
    for (let j = 0; j < kk; j++) {
      if (nn[j] < 0) continue;
      const s = possible[nn[j]];
      let wgt = sims[nn[j]];
      if (config.sequentialWeighting) {
        let maxPos = -1;
        for (let p = sOff[s]; p < sOff[s + 1]; p++) {
          const pp = posOf[sessItems[p]];
          if (pp > maxPos) maxPos = pp;
        }
        wgt *= (maxPos + 1) / L;
      }
      for (let p = sOff[s]; p < sOff[s + 1]; p++) {
        const it = sessItems[p];
        if (config.filterPromptItems && inPrompt[it]) continue;
        if (succOff && !allowed[it]) continue;
        if (!touchedMark[it]) {
          touchedMark[it] = 1;
          touched.push(it);
        }
        score[it] += wgt;
      }
    }

    // Top-k among touched candidates (ties: lower item index).
    const cand = new Float64Array(touched.length);
    touched.sort((a, b) => a - b);
    for (let t = 0; t < touched.length; t++) {
      const it = touched[t];
      cand[t] = config.idfWeighting ? score[it] * idf[it] : score[it];
    }
    const sel = new Int32Array(k);
    const selScores = new Float32Array(k);
    const got = topKInto(cand, k, sel, selScores);
    for (let j = 0; j < got; j++) {
      outItems[j] = touched[sel[j]];
      outScores[j] = selScores[j];
    }

    // "Because you added X": the prompt item that most of the recommending neighbours' weight came through.
    const because = new Int32Array(k).fill(-1);
    const rankOf = new Map<number, number>();
    if (explain) {
      for (let j = 0; j < got; j++) rankOf.set(outItems[j], j);
      const contrib = new Float64Array(got * L);
      for (let j = 0; j < kk; j++) {
        if (nn[j] < 0) continue;
        const s = possible[nn[j]];
        const wgt = sims[nn[j]];
        for (let p = sOff[s]; p < sOff[s + 1]; p++) {
          const r = rankOf.get(sessItems[p]);
          if (r === undefined) continue;
          for (let q = sOff[s]; q < sOff[s + 1]; q++) {
            const pp = posOf[sessItems[q]];
            if (pp >= 0) contrib[r * L + pp] += wgt * weightOf[sessItems[q]];
          }
        }
      }
      for (let r = 0; r < got; r++) {
        let best = 0;
        for (let pp = 0; pp < L; pp++) {
          if (contrib[r * L + pp] > best) {
            best = contrib[r * L + pp];
            because[r] = prompt[pp];
          }
        }
      }
    }

    // Reset scratch state.
    for (const it of touched) {
      score[it] = 0;
      touchedMark[it] = 0;
    }
    for (const it of prompt) {
      inPrompt[it] = 0;
      weightOf[it] = 0;
      posOf[it] = -1;
    }
    if (succOff && succ) for (let q = succOff[last]; q < succOff[last + 1]; q++) allowed[succ[q]] = 0;
    return explain ? { items: outItems, scores: outScores, because } : { items: outItems, scores: outScores };
  }

  return { name, config, recommend };
}
