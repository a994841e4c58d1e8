import { STOP_TOKEN } from './lm-tokens.js';
import type { ItemTokens } from './lm-tokens.js';

/**
 * A prefix tree over the catalog's names as the local language model writes them (each
 * item's cut title tokens, then [STOP]), for constrained decoding: at every step the model
 * may only write a token that continues some catalog name, so every finished sample is an
 * exact catalog name (trie-constrained generation, as generative retrieval does it). Stored
 * flat (CSR): node u's children are `tokens/next[first[u] .. first[u + 1])`, sorted by token.
 */
export interface TitleTrie {
  readonly first: Int32Array;
  readonly tokens: Int32Array;
  readonly next: Int32Array;
}

export const TRIE_ROOT = 0;
/** The node a [STOP] edge leads to: the name is finished. */
export const TRIE_DONE = -2;

export function buildTitleTrie(items: ItemTokens): TitleTrie {
  // Built with one Map per node, then flattened: the trie is built once per loaded model.
  const children: Map<number, number>[] = [new Map()];
  const nItems = items.offsets.length - 1;
  for (let i = 0; i < nItems; i++) {
    const a = items.offsets[i];
    const b = items.offsets[i + 1];
    if (a === b) continue; // an empty name cannot be written
    let u = TRIE_ROOT;
    for (let j = a; j < b; j++) {
      let v = children[u].get(items.tokens[j]);
      if (v === undefined) {
        v = children.length;
        children.push(new Map());
        children[u].set(items.tokens[j], v);
      }
      u = v;
    }
    children[u].set(STOP_TOKEN, TRIE_DONE);
  }
  const first = new Int32Array(children.length + 1);
  for (let u = 0; u < children.length; u++) first[u + 1] = first[u] + children[u].size;
  const tokens = new Int32Array(first[children.length]);
  const next = new Int32Array(first[children.length]);
  children.forEach((m, u) => {
    const sorted = [...m.entries()].sort((x, y) => x[0] - y[0]);
    sorted.forEach(([t, v], j) => {
      tokens[first[u] + j] = t;
      next[first[u] + j] = v;
    });
  });
  return { first, tokens, next };
}

/** The tokens that may follow node u (a view, sorted). */
export function allowedTokens(trie: TitleTrie, u: number): Int32Array {
  return trie.tokens.subarray(trie.first[u], trie.first[u + 1]);
}

/** The node after writing `token` at node u, TRIE_DONE after [STOP], or -1 if the token is not allowed. */
export function trieStep(trie: TitleTrie, u: number, token: number): number {
  let lo = trie.first[u];
  let hi = trie.first[u + 1] - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const t = trie.tokens[mid];
    if (t === token) return trie.next[mid];
    if (t < token) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}
