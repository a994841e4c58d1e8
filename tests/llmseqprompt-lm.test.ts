import { describe, expect, it } from 'vitest';
import { buildItemTokens, itemKeys, pairTokens, promptTokens } from '../src/core/prompt/lm-tokens.js';
import { initTfjs, registerGradients } from '../src/node/tfjs-setup.js';
import { LmModel } from '../src/neural/lm.js';
import { generate } from '../src/neural/lm-generate.js';
import { deserializeLm, serializeLm } from '../src/neural/lm-io.js';
import { llmSeqPromptRecommender } from '../src/neural/lm-recommender.js';
import { examplesOf, LLMSEQPROMPT_DEFAULTS, trainLm } from '../src/neural/lm-train.js';
import { buildTitleTrie } from '../src/core/prompt/title-trie.js';
import { decodePieces } from '../src/core/prompt/lm-tokens.js';
import { buildModel } from '../src/recommenders/catalogue.js';
import { recommendAllAsync } from '../src/recommenders/types.js';

/** A toy catalog of 6 items whose titles share words; the tokenizer is one id per word. */
const titles = ['red lip gloss', 'red nail polish', 'blue nail polish', 'blue eye liner', 'green eye shadow', 'green lip balm'];
const words = [...new Set(titles.flatMap((t) => t.split(' ')))];
const tokenized = buildItemTokens(
  titles.map((t) => t.split(' ').map((w) => 1000 + words.indexOf(w))),
  (id) => words[id - 1000],
  16,
);

function logitsOf(model: LmModel, seq: number[]): Float32Array {
  const t = model.nextLogits(Int32Array.from(seq), 1, seq.length, [seq.length]);
  const d = t.dataSync() as Float32Array;
  t.dispose();
  return d;
}

describe('the local LLMSeqPrompt language model (tfjs, wasm)', async () => {
  await initTfjs();
  await registerGradients();
  const cfg = { vocab: tokenized.vocab.pieces.length + 4, maxLen: 16, dim: 16, layers: 2, heads: 2, dropout: 0, seed: 5 };

  it('writes the restricted vocabulary and an item\'s name as the exact-match key', () => {
    expect(tokenized.vocab.pieces.length).toBe(words.length);
    expect(itemKeys(tokenized.vocab, tokenized.items)).toEqual(titles);
    const { tokens, completionStart } = pairTokens(tokenized.items, [0, 1, 2], 2);
    // [red lip gloss] ITEM_END [red nail polish] ITEM_END PROMPT_END | [blue nail polish] STOP
    expect(tokens.length).toBe(3 + 1 + 3 + 1 + 1 + 3 + 1);
    expect(completionStart).toBe(9);
    expect(promptTokens(tokenized.items, [0, 1, 2], 1).length).toBe(5);
  });

  it('decoding with the key/value cache gives the logits of a full forward pass', () => {
    const model = new LmModel(cfg);
    const a = promptTokens(tokenized.items, [0, 1], 2);
    const b = promptTokens(tokenized.items, [3], 2); // shorter: left-padded in the batch
    const L = Math.max(a.length, b.length);
    const flat = new Int32Array(2 * L);
    flat.set(a, L - a.length);
    flat.set(b, 2 * L - b.length);
    const pre = model.prefill(flat, 2, L, [a.length, b.length]);
    const pd = pre.logits.dataSync() as Float32Array;
    const V = cfg.vocab;
    expect(Array.from(pd.subarray(0, V)).map((x) => +x.toFixed(4))).toEqual(Array.from(logitsOf(model, a)).map((x) => +x.toFixed(4)));
    expect(Array.from(pd.subarray(V, 2 * V)).map((x) => +x.toFixed(4))).toEqual(Array.from(logitsOf(model, b)).map((x) => +x.toFixed(4)));
    pre.logits.dispose();
    const cache = model.repeatCache(pre.cache, 2); // rows a, a, b, b
    const s = model.step(cache, Int32Array.from([7, 8, 9, 7]));
    const sd = s.logits.dataSync() as Float32Array;
    const want = [logitsOf(model, [...a, 7]), logitsOf(model, [...a, 8]), logitsOf(model, [...b, 9]), logitsOf(model, [...b, 7])];
    want.forEach((w, r) => {
      for (let i = 0; i < V; i++) expect(sd[r * V + i]).toBeCloseTo(w[i], 3);
    });
    s.logits.dispose();
    s.cache.k.forEach((t) => t.dispose());
    s.cache.v.forEach((t) => t.dispose());
    s.cache.keyMask.dispose();
    model.dispose();
  });

  it('saves and loads (float32 exact; the catalog tokens travel with the weights)', async () => {
    const model = new LmModel(cfg);
    const train = { ...LLMSEQPROMPT_DEFAULTS, promptItems: 2 };
    const { json, weights } = await serializeLm(model, { train, vocab: tokenized.vocab, items: tokenized.items, tokenizer: 'toy' }, 'float32');
    const back = deserializeLm(JSON.stringify(json), weights);
    expect(Array.from(back.items.tokens)).toEqual(Array.from(tokenized.items.tokens));
    expect(Array.from(back.items.offsets)).toEqual(Array.from(tokenized.items.offsets));
    const seq = promptTokens(tokenized.items, [0, 1], 2);
    expect(Array.from(logitsOf(back.model, seq))).toEqual(Array.from(logitsOf(model, seq)));
    expect(() => deserializeLm(JSON.stringify(json), weights.subarray(1))).toThrow(/weights\.bin.*bytes/);
    model.dispose();
    back.model.dispose();
  });

  it('learns to name the next item of a pattern, and the recommender reports what it wrote and the exact match', async () => {
    // Item i is always followed by item i+1 (mod 6).
    const sessions = Array.from({ length: 240 }, (_, s) => Int32Array.from({ length: 3 }, (_, j) => (s + j) % 6));
    const tcfg = { ...LLMSEQPROMPT_DEFAULTS, promptItems: 2, dim: 16, layers: 1, heads: 2, dropout: 0, batchSize: 32, lr: 1e-2, epochs: 25, patience: 25, maxMinutes: 5 };
    const model = new LmModel({ ...cfg, layers: 1 });
    const ex = examplesOf(sessions, tokenized.items, 2);
    const r = await trainLm(model, ex.slice(12), ex.slice(0, 12), tcfg);
    expect(r.history[r.history.length - 1].valLoss).toBeLessThan(r.history[0].valLoss);
    expect(r.bestValLoss).toBeLessThan(0.3);
    const gens = await generate(model.freeze(), [promptTokens(tokenized.items, [2, 3], 2)], { temperature: 0, topP: 1, n: 3, maxTokens: 50, timeBudgetMs: 10_000, seed: 1 });
    expect(gens[0].samples.length).toBe(3);
    const rec = llmSeqPromptRecommender(
      { model, train: tcfg, vocab: tokenized.vocab, items: tokenized.items, tokenizer: 'toy' },
      { itemVectors: { rows: 6, cols: 2, data: Float32Array.from([1, 0, 0.9, 0.1, 0.5, 0.5, 0.1, 0.9, 0, 1, 0.7, 0.7]) }, embed: async (t) => t.map(() => Float32Array.from([0, 1])), sampling: { temperature: 0, n: 3 } },
    );
    const out = await rec.recommendAsync!(Int32Array.from([2, 3]), 3);
    expect(out.generated![0]).toEqual({ text: 'green eye shadow', item: 4, how: 'exact' });
    // Greedy decoding writes the same name 3 times: the duplicates become the nearest unused items.
    expect(out.generated!.slice(1).map((g) => g.how)).toEqual(['nearest', 'nearest']);
    expect(Array.from(out.items).includes(2) || Array.from(out.items).includes(3)).toBe(false);
    expect(() => rec.recommend(Int32Array.from([2]), 3)).toThrow(/recommendAsync/);
    rec.dispose?.();
  });

  it('sampling stops at [STOP] and respects max tokens and the time budget', async () => {
    const model = new LmModel(cfg).freeze();
    const p = promptTokens(tokenized.items, [0], 2);
    const g = await generate(model, [p], { temperature: 1, topP: 0.9, n: 4, maxTokens: 2, timeBudgetMs: 10_000, seed: 3 });
    for (const s of g[0].samples) expect(s.length).toBeLessThanOrEqual(1); // 2 tokens without [STOP] is a cut-off, not a name
    expect(g[0].samples.length + g[0].unfinished).toBe(4);
    const none = await generate(model, [p], { temperature: 1, topP: 1, n: 4, maxTokens: 50, timeBudgetMs: 0, seed: 3 });
    expect(none[0].samples.length).toBeLessThanOrEqual(4);
    model.dispose();
  });

  it('constrained decoding: even an untrained model writes only catalog names', async () => {
    const model = new LmModel(cfg).freeze();
    const p = promptTokens(tokenized.items, [0, 1], 2);
    const free = await generate(model, [p], { temperature: 1, topP: 1, n: 20, maxTokens: 8, timeBudgetMs: 10_000, seed: 3 });
    const names = new Set(titles);
    // Without the constraint a random model writes almost anything.
    expect(free[0].samples.map((t) => decodePieces(tokenized.vocab, t)).every((t) => names.has(t))).toBe(false);
    const trie = buildTitleTrie(tokenized.items);
    const c = await generate(model, [p], { temperature: 1, topP: 1, n: 20, maxTokens: 8, timeBudgetMs: 10_000, seed: 3, trie });
    expect(c[0].samples.length).toBe(20);
    for (const s of c[0].samples) expect(names.has(decodePieces(tokenized.vocab, s))).toBe(true);
    model.dispose();
  });

  it('as a catalogue model: names map through the file\'s name table, and the evaluation path awaits it', async () => {
    const model = new LmModel(cfg);
    const V = cfg.vocab;
    // Name table: each word's row is a one-hot over 2 dims (lip/nail/eye words vs the rest).
    const table = new Float32Array(V * 2);
    tokenized.vocab.pieces.forEach((w, j) => table.set(['lip', 'gloss', 'balm'].includes(w) ? [1, 0] : [0, 1], (j + 4) * 2));
    const train = { ...LLMSEQPROMPT_DEFAULTS, promptItems: 2, n: 4, constrained: false };
    const { json, weights } = await serializeLm(model, { train, vocab: tokenized.vocab, items: tokenized.items, tokenizer: 'toy', names: { table, dim: 2 } }, 'float32');
    model.dispose();
    const files = { entry: { name: 'llmseqprompt', model: { file: 'llmseqprompt/model.json' }, nItems: 6 }, json: JSON.stringify(json), weights } as never;
    const itemVectors = { rows: 6, cols: 2, data: Float32Array.from([1, 0, 0, 1, 0, 1, 0, 1, 0, 1, 1, 0]) };
    const ctx = { train: { ids: new Int32Array(0), offsets: Int32Array.of(0), items: new Int32Array(0), times: new Float64Array(0) }, nItems: 6, embeddings: itemVectors, trained: new Map([['llmseqprompt', files]]) };
    const rec = buildModel('llmseqprompt', ctx, { ...train, temperature: 1, constrained: true, timeBudgetMs: 10_000 });
    const r = await rec.recommendAsync!(Int32Array.from([0, 1]), 4);
    expect(r.generated!.length).toBeGreaterThan(0);
    for (const g of r.generated!) expect(g.how === 'exact' ? titles.indexOf(g.text) === g.item : g.how === 'nearest').toBe(true);
    const cases = { sessionIds: Int32Array.of(1, 2), promptOffsets: Int32Array.of(0, 2, 3), promptItems: Int32Array.of(0, 1, 3), targets: Int32Array.of(2, 4) };
    const lists = await recommendAllAsync(rec, cases, 4);
    expect(lists.items.length).toBe(8);
    expect(Array.from(lists.items.subarray(0, 4)).some((i) => i === 0 || i === 1)).toBe(false); // never the session's own items
    rec.dispose?.();
  });
});
