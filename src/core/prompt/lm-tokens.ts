/**
 * Token sequences of the local LLMSeqPrompt language model: the RecSys'23 prompt-completion
 * pair of a session, written compactly. Each item is its title's first `titleTokens` tokens
 * of the bundled tokenizer (potion-base-4M's WordPiece, lowercased), the numbering and
 * " \n" between items become one [ITEM_END] token, "\n\n###\n\n" one [PROMPT_END] and the
 * completion's " ###" one [STOP] (generation stops there, as `stop="###"`).
 *
 * Model token ids: 0 [PAD], 1 [ITEM_END], 2 [PROMPT_END], 3 [STOP], then one id per
 * tokenizer token that occurs in the catalog's (cut) titles: the vocabulary is restricted to
 * the catalog's tokens.
 */
export const PAD = 0;
export const ITEM_END = 1;
export const PROMPT_END_TOKEN = 2;
export const STOP_TOKEN = 3;
export const N_SPECIAL = 4;

/** Catalog titles as model token ids (CSR: item i owns tokens[offsets[i] .. offsets[i+1])). */
export interface ItemTokens {
  readonly offsets: Int32Array;
  readonly tokens: Int32Array;
}

export interface LmVocab {
  /** The tokenizer's token string of each model id >= N_SPECIAL (index id - N_SPECIAL). */
  readonly pieces: readonly string[];
}

/**
 * Builds the restricted vocabulary and the per-item model tokens from the tokenizer's ids of
 * every title (`tokenizerIds[i]`, without special tokens) and its id -> token string table.
 */
export function buildItemTokens(
  tokenizerIds: readonly ArrayLike<number>[],
  idToPiece: (id: number) => string,
  titleTokens: number,
): { vocab: LmVocab; items: ItemTokens } {
  const toModel = new Map<number, number>();
  const pieces: string[] = [];
  const offsets = new Int32Array(tokenizerIds.length + 1);
  const flat: number[] = [];
  tokenizerIds.forEach((ids, i) => {
    const n = Math.min(titleTokens, ids.length);
    for (let j = 0; j < n; j++) {
      let m = toModel.get(ids[j]);
      if (m === undefined) {
        m = N_SPECIAL + pieces.length;
        toModel.set(ids[j], m);
        pieces.push(idToPiece(ids[j]));
      }
      flat.push(m);
    }
    offsets[i + 1] = flat.length;
  });
  return { vocab: { pieces }, items: { offsets, tokens: Int32Array.from(flat) } };
}

export function itemTokensOf(t: ItemTokens, item: number): Int32Array {
  return t.tokens.subarray(t.offsets[item], t.offsets[item + 1]);
}

/** The prompt tokens for a session's items (its last `promptItems` items), ending in [PROMPT_END]. */
export function promptTokens(t: ItemTokens, prompt: ArrayLike<number>, promptItems: number): number[] {
  const out: number[] = [];
  const nItems = t.offsets.length - 1;
  for (let p = Math.max(0, prompt.length - promptItems); p < prompt.length; p++) {
    if (prompt[p] < 0 || prompt[p] >= nItems) continue; // an item the model has no title for
    for (const tok of itemTokensOf(t, prompt[p])) out.push(tok);
    out.push(ITEM_END);
  }
  out.push(PROMPT_END_TOKEN);
  return out;
}

/** A training example: prompt + completion tokens, and where the completion starts. */
export function pairTokens(t: ItemTokens, session: ArrayLike<number>, promptItems: number): { tokens: number[]; completionStart: number } {
  const prompt = promptTokens(t, Array.prototype.slice.call(session, 0, session.length - 1) as number[], promptItems);
  const completion = [...itemTokensOf(t, session[session.length - 1]), STOP_TOKEN];
  return { tokens: [...prompt, ...completion], completionStart: prompt.length };
}

/** WordPiece pieces back to text: "##x" joins the previous piece, others are space-separated. */
export function decodePieces(vocab: LmVocab, ids: ArrayLike<number>): string {
  let out = '';
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i];
    if (id < N_SPECIAL) continue;
    const piece = vocab.pieces[id - N_SPECIAL] ?? '';
    if (piece.startsWith('##')) out += piece.slice(2);
    else out += out === '' ? piece : ` ${piece}`;
  }
  return out;
}

/** Each item's name as the model writes it (its cut, lowercased title): the exact-match key. */
export function itemKeys(vocab: LmVocab, t: ItemTokens): string[] {
  const out: string[] = [];
  for (let i = 0; i + 1 < t.offsets.length; i++) out.push(decodePieces(vocab, itemTokensOf(t, i)));
  return out;
}
