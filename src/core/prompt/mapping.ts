import type { DenseMatrix } from '../vectors/matrix.js';

/**
 * Generated names back to catalog items, as the authors' LLMSeqPrompt does it: a name that
 * exactly matches a catalog name becomes that item (each item once, in generation order);
 * every other name (hallucinated, a duplicate, or one of the session's own items) is embedded
 * and replaced by the nearest catalog item by dot product that is neither used yet nor in the
 * session. The list is the exact matches first, then the replacements, up to k.
 */
export type MatchHow = 'exact' | 'nearest';

export interface GeneratedMatch {
  /** What the model wrote. */
  readonly text: string;
  /** The catalog item (dense index) it became. */
  readonly item: number;
  readonly how: MatchHow;
}

export interface NameIndex {
  /** Normalised name -> the items carrying it (several items may share a title), lowest index first. */
  readonly byName: ReadonlyMap<string, readonly number[]>;
  readonly normalize: (text: string) => string;
}

/** Trims and collapses whitespace: the key of an exact match (the names themselves are not changed). */
export function normalizeName(text: string): string {
  return text.trim().replace(/\s+/g, ' ');
}

export function buildNameIndex(names: readonly string[], normalize: (text: string) => string = normalizeName): NameIndex {
  const byName = new Map<string, number[]>();
  names.forEach((n, i) => {
    const key = normalize(n);
    if (key === '') return;
    const list = byName.get(key);
    if (list) list.push(i);
    else byName.set(key, [i]);
  });
  return { byName, normalize };
}

export interface MappingContext {
  readonly index: NameIndex;
  /** Catalog item vectors (one row per item), compared by dot product. */
  readonly itemVectors: DenseMatrix;
  /** Embeds names with the same embedder as the item vectors. */
  readonly embed: (texts: readonly string[]) => Promise<Float32Array[]>;
}

export interface MappedList {
  /** k slots, best first, -1 where fewer than k items could be named. */
  readonly items: Int32Array;
  readonly generated: GeneratedMatch[];
}

/** The item whose vector has the largest dot product with q, skipping `taken`; -1 if none is left. */
export function nearestUnused(q: Float32Array, m: DenseMatrix, taken: ReadonlySet<number>): number {
  const d = m.cols;
  let best = -1;
  let bestScore = -Infinity;
  for (let i = 0; i < m.rows; i++) {
    if (taken.has(i)) continue;
    let s = 0;
    const base = i * d;
    for (let c = 0; c < d; c++) s += q[c] * m.data[base + c];
    if (s > bestScore) {
      bestScore = s;
      best = i;
    }
  }
  return best;
}

export async function mapGeneratedNames(generated: readonly string[], session: ArrayLike<number>, k: number, ctx: MappingContext): Promise<MappedList> {
  const taken = new Set<number>();
  for (let i = 0; i < session.length; i++) taken.add(session[i]);
  const exact: GeneratedMatch[] = [];
  const pending: string[] = [];
  for (const text of generated) {
    const candidates = ctx.index.byName.get(ctx.index.normalize(text));
    const item = candidates?.find((c) => !taken.has(c));
    if (item !== undefined && exact.length < k) {
      exact.push({ text, item, how: 'exact' });
      taken.add(item);
    } else {
      pending.push(text);
    }
  }
  const replacements: GeneratedMatch[] = [];
  const need = Math.min(pending.length, k - exact.length);
  if (need > 0) {
    const texts = pending.slice(0, need);
    const distinct = [...new Set(texts)];
    const vectors = await ctx.embed(distinct);
    const byText = new Map(distinct.map((t, i) => [t, vectors[i]]));
    for (const text of texts) {
      const item = nearestUnused(byText.get(text)!, ctx.itemVectors, taken);
      if (item < 0) break;
      replacements.push({ text, item, how: 'nearest' });
      taken.add(item);
    }
  }
  const all = [...exact, ...replacements];
  const items = new Int32Array(k).fill(-1);
  all.forEach((g, i) => (items[i] = g.item));
  return { items, generated: all };
}
