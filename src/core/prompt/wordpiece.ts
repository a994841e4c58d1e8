/**
 * BERT's uncased WordPiece, enough to turn a free-text product name into the tokens of a fixed
 * vocabulary: lowercase, accents stripped, split on whitespace and punctuation, then each word
 * greedily into the longest pieces the vocabulary has ("##" marks a piece inside a word). A word
 * that cannot be covered is dropped (BERT would write [UNK]). Used to embed the names a remote
 * LLM writes with the local model's token table (name-vectors.ts), so no tokenizer file or
 * embedding model is downloaded; transformers.js's tokenizer does the same on the Node side.
 */
const PUNCT = /[\p{P}$+<=>^`|~]/u;

export function basicWords(text: string): string[] {
  const clean = text.toLowerCase().normalize('NFD').replace(/\p{Mn}/gu, '');
  const out: string[] = [];
  for (const chunk of clean.split(/\s+/)) {
    let word = '';
    for (const ch of chunk) {
      if (PUNCT.test(ch)) {
        if (word) out.push(word);
        out.push(ch);
        word = '';
      } else word += ch;
    }
    if (word) out.push(word);
  }
  return out;
}

/** The pieces of one word (longest match first), or null if the vocabulary cannot cover it. */
export function wordPieces(word: string, has: (piece: string) => boolean, maxChars = 100): string[] | null {
  if (word.length > maxChars) return null;
  const out: string[] = [];
  let start = 0;
  while (start < word.length) {
    let end = word.length;
    let piece: string | null = null;
    while (start < end) {
      const sub = (start > 0 ? '##' : '') + word.slice(start, end);
      if (has(sub)) {
        piece = sub;
        break;
      }
      end--;
    }
    if (piece === null) return null;
    out.push(piece);
    start = end;
  }
  return out;
}

/** A text's ids in a vocabulary (piece -> id); words it cannot cover are left out. */
export function wordPieceIds(text: string, vocab: ReadonlyMap<string, number>): number[] {
  const ids: number[] = [];
  for (const w of basicWords(text)) {
    const pieces = wordPieces(w, (p) => vocab.has(p));
    if (pieces) for (const p of pieces) ids.push(vocab.get(p)!);
  }
  return ids;
}
