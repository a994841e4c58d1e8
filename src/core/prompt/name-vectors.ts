/**
 * Vectors of generated names for the nearest-item replacement. The bundled embedder
 * (potion-base-4M) is a static model: a text's vector is the mean of its tokens' rows
 * (transformers.js adds [CLS]/[SEP], whose rows are zero, which only rescales it). So a name
 * the local model wrote, already a list of tokenizer tokens, is embedded by averaging those
 * tokens' rows: the same direction as embedding its text, with no tokenizer or ONNX runtime,
 * identical in Node and in the browser. `table` holds one row per model token id.
 */
export interface NameTable {
  readonly table: Float32Array;
  readonly dim: number;
}

export function nameVector(t: NameTable, tokens: ArrayLike<number>): Float32Array {
  const out = new Float32Array(t.dim);
  const rows = t.table.length / t.dim;
  let n = 0;
  for (let i = 0; i < tokens.length; i++) {
    const id = tokens[i];
    if (id < 0 || id >= rows) continue;
    const base = id * t.dim;
    for (let d = 0; d < t.dim; d++) out[d] += t.table[base + d];
    n++;
  }
  if (n > 0) for (let d = 0; d < t.dim; d++) out[d] /= n;
  return out;
}
