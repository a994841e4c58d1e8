import { describe, expect, it } from 'vitest';
import { basicWords, wordPieceIds, wordPieces } from '../src/core/prompt/wordpiece.js';

/** BERT uncased WordPiece over a vocabulary (how a remote model's free-text names are embedded). */
describe('wordpiece', () => {
  it('lowercases, strips accents and splits punctuation as BERT does', () => {
    expect(basicWords("L'Oréal  Voluminous,  Black-Brown 0.5oz")).toEqual(['l', "'", 'oreal', 'voluminous', ',', 'black', '-', 'brown', '0', '.', '5oz']);
  });

  it('takes the longest pieces first; a word it cannot cover is left out', () => {
    const vocab = new Map(['mas', '##cara', '##c', 'black', '5', '##oz', '.'].map((p, i) => [p, i + 10] as const));
    expect(wordPieces('mascara', (p) => vocab.has(p))).toEqual(['mas', '##cara']);
    expect(wordPieces('glitter', (p) => vocab.has(p))).toBeNull();
    expect(wordPieceIds('Mascara BLACK glitter 5oz.', vocab)).toEqual([10, 11, 13, 14, 15, 16]);
  });
});

describe('wordpiece against the bundled tokenizer', () => {
  it('gives transformers.js\'s ids for real Beauty titles (potion-base-4M\'s vocabulary)', async () => {
    const { readFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { MODELS_DIR } = await import('../src/node/paths.js');
    const { loadDataset } = await import('../src/node/dataset-files.js');
    const { AutoTokenizer, env } = await import('@huggingface/transformers');
    env.allowRemoteModels = false;
    env.localModelPath = `${MODELS_DIR}/`;
    const tok = await AutoTokenizer.from_pretrained('potion-base-4M-int8');
    const vocab = new Map(Object.entries((JSON.parse(readFileSync(join(MODELS_DIR, 'potion-base-4M-int8', 'tokenizer.json'), 'utf8')) as { model: { vocab: Record<string, number> } }).model.vocab));
    const titles = loadDataset('beauty').catalog.titles.filter((_, i) => i % 60 === 0);
    let same = 0;
    for (const t of titles) if (JSON.stringify(wordPieceIds(t, vocab)) === JSON.stringify(tok.encode(t, { add_special_tokens: false }).filter((id: number) => id !== vocab.get('[UNK]')))) same++;
    expect(same).toBe(titles.length);
  });
});
