import { type DenseMatrix, denseMatrix } from '../core/vectors/matrix.js';
import type { TextEmbedder } from './types.js';

export interface CatalogEmbedding {
  readonly vectors: DenseMatrix;
  /** Dense indices of items whose title was empty (or embedded to a zero vector). */
  readonly emptyTitleItems: number[];
}

export interface EmbedCatalogOptions {
  readonly batchSize?: number;
  /** Called after each batch with the number of titles done. */
  readonly onProgress?: (done: number, total: number) => void;
  /** Rows already computed (e.g. restored from a checkpoint), by dense index. */
  readonly precomputed?: ReadonlyMap<number, Float32Array>;
  /** Called with each finished batch (dense item indices and their raw vectors) so a caller can checkpoint it. */
  readonly onBatch?: (items: readonly number[], rows: readonly Float32Array[]) => void | Promise<void>;
  readonly signal?: AbortSignal;
}

/**
 * Embeds every catalog title and L2-normalises the rows. An empty title (or one made only of
 * tokens the model does not know, which embeds to a zero vector) has no meaning of its own;
 * it gets the normalised mean of all other items' vectors, a neutral "generic item" that
 * is never NaN. Those items are reported so the manifest can list them.
 * Rows come back in catalog order whatever order they were embedded in.
 */
export async function embedCatalog(
  titles: readonly string[],
  embedder: TextEmbedder,
  options: EmbedCatalogOptions = {},
): Promise<CatalogEmbedding> {
  const batchSize = options.batchSize ?? 64;
  const n = titles.length;
  const rows: (Float32Array | null)[] = new Array<Float32Array | null>(n).fill(null);
  const todo: number[] = [];
  for (let i = 0; i < n; i++) {
    const pre = options.precomputed?.get(i);
    if (pre) rows[i] = pre;
    else if (titles[i].trim() !== '') todo.push(i);
  }
  // Batches of similar length: a batch is padded to its longest title, and Beauty titles run
  // from 2 to 200+ tokens, so length-sorted batches embed ~4x faster (measured: 1.2 s vs 5.1 s).
  todo.sort((a, b) => titles[a].length - titles[b].length || a - b);
  let done = n - todo.length;
  options.onProgress?.(done, n);
  for (let b = 0; b < todo.length; b += batchSize) {
    options.signal?.throwIfAborted();
    const idx = todo.slice(b, b + batchSize);
    const out = await embedder.embed(idx.map((i) => titles[i]));
    if (out.length !== idx.length) throw new Error(`embedder returned ${out.length} vectors for ${idx.length} titles`);
    idx.forEach((i, j) => (rows[i] = out[j]));
    await options.onBatch?.(idx, out);
    done += idx.length;
    options.onProgress?.(done, n);
  }
  const dim = rows.find((r) => r !== null)?.length;
  if (dim === undefined) throw new Error('no title could be embedded (all titles are empty)');

  const data = new Float32Array(n * dim);
  const empty: number[] = [];
  const mean = new Float64Array(dim);
  for (let i = 0; i < n; i++) {
    const r = rows[i];
    if (r === null) {
      empty.push(i);
      continue;
    }
    if (r.length !== dim) throw new Error(`embedder returned a ${r.length}-d vector for item ${i}, expected ${dim}`);
    let s = 0;
    for (let c = 0; c < dim; c++) s += r[c] * r[c];
    const norm = Math.sqrt(s);
    if (!(norm > 0) || !Number.isFinite(norm)) {
      empty.push(i);
      continue;
    }
    for (let c = 0; c < dim; c++) {
      data[i * dim + c] = r[c] / norm;
      mean[c] += r[c] / norm;
    }
  }
  if (empty.length > 0) {
    let s = 0;
    for (let c = 0; c < dim; c++) s += mean[c] * mean[c];
    const inv = s > 0 ? 1 / Math.sqrt(s) : 0;
    for (const i of empty) for (let c = 0; c < dim; c++) data[i * dim + c] = mean[c] * inv;
  }
  return { vectors: denseMatrix(n, dim, data), emptyTitleItems: empty };
}
