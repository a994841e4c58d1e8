import { ITEM_END, PAD, PROMPT_END_TOKEN, STOP_TOKEN } from '../core/prompt/lm-tokens.js';
import { mulberry32 } from '../core/vectors/random.js';
import { allowedTokens, TRIE_ROOT, type TitleTrie, trieStep } from '../core/prompt/title-trie.js';
import { disposeCache, type LmModel } from './lm.js';

/**
 * Sampling from the local language model with the completions API's parameters: n samples per
 * prompt, temperature (0 = greedy), nucleus top_p, at most maxTokens new tokens, stop at
 * [STOP] (the "###" of the RecSys'23 completions), and a wall-clock budget after which the
 * unfinished samples are dropped. Each sample draws from its own seeded stream (prompt tokens,
 * sample index, seed), so a session's generations do not depend on how sessions are batched.
 */
export interface SamplingOptions {
  readonly temperature: number;
  readonly topP: number;
  readonly n: number;
  readonly maxTokens: number;
  readonly timeBudgetMs: number;
  readonly seed: number;
  /** Checked between decoding steps; true stops generation (what is finished is returned). */
  readonly cancelled?: () => boolean;
  /** Constrained decoding: every sample writes a catalog name of this trie (see title-trie.ts). */
  readonly trie?: TitleTrie;
}

export interface Generation {
  /** Completion tokens (without [STOP]) of each finished sample, in sample order. */
  samples: number[][];
  /** Samples that hit max tokens or the time budget before [STOP]. */
  unfinished: number;
  tokens: number;
}

function hashTokens(tokens: readonly number[], seed: number): number {
  let h = (seed ^ 0x811c9dc5) >>> 0;
  for (const t of tokens) h = Math.imul(h ^ t, 16777619) >>> 0;
  return h;
}

/**
 * Samples one token id from logits (length V); never a padding or prompt marker. With
 * `allowed` (constrained decoding) only those ids are candidates. Overwrites `logits`.
 */
export function sampleToken(logits: Float32Array, temperature: number, topP: number, rand: () => number, allowed?: ArrayLike<number>): number {
  logits[PAD] = -Infinity;
  logits[ITEM_END] = -Infinity;
  logits[PROMPT_END_TOKEN] = -Infinity;
  // The candidate ids: every id, or the allowed ones (the hot loop reads them through `id`).
  const n = allowed ? allowed.length : logits.length;
  const id = allowed ? (j: number) => allowed[j] : (j: number) => j;
  let max = -Infinity;
  let arg = allowed && n > 0 ? allowed[0] : STOP_TOKEN;
  for (let j = 0; j < n; j++) if (logits[id(j)] > max) [max, arg] = [logits[id(j)], id(j)];
  if (temperature <= 0 || n <= 1) return arg;
  const p = new Float64Array(n);
  let sum = 0;
  for (let j = 0; j < n; j++) sum += p[j] = Math.exp((logits[id(j)] - max) / temperature);
  if (topP < 1) {
    // Nucleus: the smallest set of most probable tokens whose mass reaches top_p.
    const order = Array.from({ length: n }, (_, j) => j).sort((a, b) => p[b] - p[a]);
    let mass = 0;
    let cut = 0;
    while (cut < n && mass < topP * sum) mass += p[order[cut++]];
    let u = rand() * mass;
    for (let j = 0; j < cut; j++) {
      u -= p[order[j]];
      if (u <= 0) return id(order[j]);
    }
    return id(order[cut - 1]);
  }
  let u = rand() * sum;
  for (let j = 0; j < n; j++) {
    u -= p[j];
    if (u <= 0) return id(j);
  }
  return arg;
}

/** n samples for each prompt (model token ids ending in [PROMPT_END]), decoded with a key/value cache. */
export async function generate(model: LmModel, prompts: readonly number[][], o: SamplingOptions): Promise<Generation[]> {
  const t0 = performance.now();
  const { maxLen, vocab } = model.config;
  const S = prompts.length;
  const out: Generation[] = prompts.map(() => ({ samples: [], unfinished: o.n, tokens: 0 }));
  if (S === 0 || o.n === 0) return out;
  const seqs = prompts.map((p) => (p.length >= maxLen ? p.slice(p.length - (maxLen - 1)) : p)); // room for one new token
  const Lp = Math.max(...seqs.map((p) => p.length));
  const flat = new Int32Array(S * Lp);
  seqs.forEach((p, r) => flat.set(p, r * Lp + (Lp - p.length))); // left-padded: every row's next token is in the same column
  const R = S * o.n;
  const rand = Array.from({ length: R }, (_, i) => {
    const h = hashTokens(seqs[Math.floor(i / o.n)], o.seed);
    return mulberry32((h + Math.imul((i % o.n) + 1, 0x9e3779b9)) >>> 0);
  });
  const written: number[][] = Array.from({ length: R }, () => []);
  const state = new Uint8Array(R); // 0 writing, 1 stopped at [STOP], 2 cut off (max tokens / length)
  const node = new Int32Array(R).fill(TRIE_ROOT); // constrained decoding: each sample's place in the trie
  const pre = model.prefill(flat, S, Lp, seqs.map((p) => p.length));
  let cache = model.repeatCache(pre.cache, o.n);
  let logits: import('@tensorflow/tfjs-core').Tensor2D = pre.logits;
  let logitRows = S; // the prefill gives one row per prompt, steps one per sample
  try {
    for (;;) {
      const data = (await logits.data()) as Float32Array;
      logits.dispose();
      const next = new Int32Array(R).fill(STOP_TOKEN);
      let active = 0;
      for (let i = 0; i < R; i++) {
        if (state[i] !== 0) continue;
        const row = logitRows === S ? Math.floor(i / o.n) : i;
        const allowed = o.trie ? allowedTokens(o.trie, node[i]) : undefined;
        const tok = sampleToken(data.subarray(row * vocab, (row + 1) * vocab).slice(), o.temperature, o.topP, rand[i], allowed);
        if (o.trie) node[i] = trieStep(o.trie, node[i], tok);
        out[Math.floor(i / o.n)].tokens++;
        if (tok === STOP_TOKEN) {
          state[i] = 1;
          continue;
        }
        written[i].push(tok);
        if (written[i].length >= o.maxTokens || cache.next[i] + 1 >= maxLen) {
          state[i] = 2; // cut off before [STOP]: not a name
          continue;
        }
        next[i] = tok;
        active++;
      }
      if (active === 0 || performance.now() - t0 > o.timeBudgetMs || o.cancelled?.()) break;
      const r = model.step(cache, next);
      cache = r.cache;
      logits = r.logits;
      logitRows = R;
    }
  } finally {
    disposeCache(cache);
  }
  // Finished samples in sample order (as the API's choices).
  for (let i = 0; i < R; i++) if (state[i] === 1) out[Math.floor(i / o.n)].samples.push(written[i]);
  for (const g of out) g.unfinished = o.n - g.samples.length;
  return out;
}
