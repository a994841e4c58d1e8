import type { EvalCases } from '../core/dataset/types.js';
import type { RecLists } from '../core/metrics/metrics.js';
import { itemKeys, decodePieces, N_SPECIAL, promptTokens } from '../core/prompt/lm-tokens.js';
import { wordPieceIds } from '../core/prompt/wordpiece.js';
import { buildNameIndex, type GeneratedMatch, mapGeneratedNames, type NameIndex, normalizeName } from '../core/prompt/mapping.js';
import { nameVector } from '../core/prompt/name-vectors.js';
import { buildTitleTrie } from '../core/prompt/title-trie.js';
import type { DenseMatrix } from '../core/vectors/matrix.js';
import type { Ranked, Recommender } from '../recommenders/types.js';
import { generate } from './lm-generate.js';
import type { LoadedLm } from './lm-io.js';
import type { LlmSeqPromptConfig } from './lm-train.js';

/**
 * LLMSeqPrompt with the local language model behind the Recommender interface: the session's
 * last items become the prompt, the model writes n names (sampling as configured), and the
 * names are mapped back to catalog items (src/core/prompt/mapping.ts): exact matches of an
 * item's name as the model writes it (its cut, lowercased title), otherwise the nearest item
 * by the item embeddings' dot product. Generation is asynchronous (tfjs read-backs, the
 * embedder): use recommendAsync / recommendCases; `recommend` says so.
 */
export interface LlmSeqPromptDeps {
  /** Catalog item embeddings (one row per item), e.g. the manifest's potion-base-4M vectors. */
  readonly itemVectors: DenseMatrix;
  /**
   * The embedder the item vectors came from, for the names that match no item; default: the
   * model file's name table (the mean of the written tokens' rows, name-vectors.ts).
   */
  readonly embed?: (texts: readonly string[]) => Promise<Float32Array[]>;
  /** Overrides of the decoding parameters stored with the model (temperature, n, constrained, ...). */
  readonly sampling?: Partial<LmSampling>;
  /** Checked between decoding steps (e.g. a newer session arrived): true ends generation with what is finished. */
  readonly cancelled?: () => boolean;
}

export type LmSampling = Pick<LlmSeqPromptConfig, 'temperature' | 'topP' | 'n' | 'maxTokens' | 'timeBudgetMs' | 'seed' | 'constrained'>;

export interface LlmSeqPromptRecommender extends Recommender {
  readonly nameIndex: NameIndex;
  /**
   * Vectors for names another model wrote (e.g. a remote LLM), comparable with the item
   * vectors: the text in this model's vocabulary (wordpiece.ts), its tokens' name-table rows.
   */
  embedNames?(texts: readonly string[]): Float32Array[];
  /** Recommendations (with what was generated) for many cases, `batch` sessions per forward pass. */
  recommendCases(cases: EvalCases, k: number, onProgress?: (done: number, stats: GenerationStats) => void, batch?: number): Promise<{ lists: RecLists; generated: GeneratedMatch[][]; stats: GenerationStats }>;
}

export interface GenerationStats {
  sessions: number;
  samples: number;
  unfinished: number;
  tokens: number;
  exact: number;
  nearest: number;
}

export function llmSeqPromptRecommender(lm: LoadedLm, deps: LlmSeqPromptDeps, name = 'llmseqprompt'): LlmSeqPromptRecommender {
  if (deps.itemVectors.rows !== lm.items.offsets.length - 1) {
    throw new Error(`llmseqprompt: ${deps.itemVectors.rows} item vectors for a model of ${lm.items.offsets.length - 1} items`);
  }
  lm.model.freeze();
  const nItems = lm.items.offsets.length - 1;
  const nameIndex = buildNameIndex(itemKeys(lm.vocab, lm.items), normalizeName);
  const sampling = {
    temperature: lm.train.temperature,
    topP: lm.train.topP,
    n: lm.train.n,
    maxTokens: lm.train.maxTokens,
    timeBudgetMs: lm.train.timeBudgetMs,
    seed: lm.train.seed,
    constrained: lm.train.constrained,
    ...deps.sampling,
  };
  const trie = sampling.constrained ? buildTitleTrie(lm.items) : undefined;
  const names = lm.names;
  if (!deps.embed && !names) throw new Error(`${name}: its model file has no name table and no name embedder was given`);
  const known = (s: ArrayLike<number>): number[] => Array.from(s).filter((i) => i >= 0 && i < nItems);
  /** What the model wrote, by text, for the name table (the tokens of each decoded name). */
  const written = new Map<string, readonly number[]>();
  const embed =
    deps.embed ??
    (async (texts: readonly string[]) => texts.map((t) => nameVector(names!, written.get(t) ?? [])));
  const ctx = { index: nameIndex, itemVectors: deps.itemVectors, embed };
  const emptyStats = (): GenerationStats => ({ sessions: 0, samples: 0, unfinished: 0, tokens: 0, exact: 0, nearest: 0 });

  async function run(sessions: readonly ArrayLike<number>[], k: number, stats: GenerationStats, cancelled?: () => boolean) {
    const prompts = sessions.map((s) => promptTokens(lm.items, known(s), lm.train.promptItems));
    const gens = await generate(lm.model, prompts, { ...sampling, timeBudgetMs: sampling.timeBudgetMs * Math.max(1, sessions.length), cancelled, trie });
    const out = [];
    for (let i = 0; i < sessions.length; i++) {
      written.clear();
      const texts: string[] = [];
      for (const tokens of gens[i].samples) {
        const text = decodePieces(lm.vocab, tokens);
        if (text === '') continue;
        texts.push(text);
        written.set(text, tokens);
      }
      const mapped = await mapGeneratedNames(texts, sessions[i], k, ctx);
      stats.sessions++;
      stats.samples += sampling.n;
      stats.unfinished += gens[i].unfinished;
      stats.tokens += gens[i].tokens;
      for (const g of mapped.generated) stats[g.how]++;
      out.push(mapped);
    }
    return out;
  }

  function ranked(items: Int32Array, generated: GeneratedMatch[]): Ranked {
    const scores = Float32Array.from(items, (it, i) => (it >= 0 ? items.length - i : -Infinity));
    return { items, scores, generated };
  }

  const pieceIds = new Map(lm.vocab.pieces.map((p, i) => [p, i + N_SPECIAL] as const));
  return {
    name,
    config: { ...lm.train, ...deps.sampling },
    nameIndex,
    ...(names ? { embedNames: (texts: readonly string[]) => texts.map((t) => nameVector(names, wordPieceIds(t, pieceIds))) } : {}),
    recommend(): Ranked {
      throw new Error(`${name} generates asynchronously: call recommendAsync or recommendBatchAsync`);
    },
    async recommendAsync(session: Int32Array, k: number, _explain?: boolean, signal?: { readonly aborted: boolean }): Promise<Ranked> {
      if (known(session).length === 0) return ranked(new Int32Array(k).fill(-1), []);
      const [m] = await run([session], k, emptyStats(), () => signal?.aborted === true || deps.cancelled?.() === true);
      return ranked(m.items, m.generated);
    },
    async recommendCases(cases, k, onProgress, batch = 16) {
      const total = cases.targets.length;
      const items = new Int32Array(total * k).fill(-1);
      const generated: GeneratedMatch[][] = [];
      const stats = emptyStats();
      for (let s = 0; s < total; s += batch) {
        const sessions = [];
        for (let c = s; c < Math.min(total, s + batch); c++) sessions.push(cases.promptItems.subarray(cases.promptOffsets[c], cases.promptOffsets[c + 1]));
        const mapped = await run(sessions, k, stats);
        mapped.forEach((m, j) => {
          items.set(m.items, (s + j) * k);
          generated.push(m.generated);
        });
        onProgress?.(Math.min(total, s + batch), stats);
      }
      return { lists: { k, items }, generated, stats };
    },
    async recommendBatchAsync(cases, k, onProgress) {
      return (await this.recommendCases(cases, k, onProgress ? (d) => onProgress(d) : undefined)).lists;
    },
    dispose: () => lm.model.dispose(),
  };
}
