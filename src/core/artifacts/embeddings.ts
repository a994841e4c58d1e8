import { InputError } from '../errors.js';
import { type DenseMatrix, denseMatrix } from '../vectors/matrix.js';
import { float16ToFloat32, float32ToFloat16 } from '../vectors/float16.js';
import type { EmbeddingDtype, EmbeddingsEntry } from './manifest.js';

/** Bytes an embedding file of this shape and dtype must have. */
export function embeddingBytes(dtype: EmbeddingDtype, count: number, dim: number): number {
  switch (dtype) {
    case 'float32':
      return count * dim * 4;
    case 'float16':
      return count * dim * 2;
    case 'int8':
      return align4(count * dim) + count * 4;
  }
}

function align4(n: number): number {
  return (n + 3) & ~3;
}

/** Encodes a matrix (little-endian). int8 uses a symmetric per-row scale (max |x| / 127). */
export function encodeEmbeddings(m: DenseMatrix, dtype: EmbeddingDtype): Uint8Array {
  const bytes = new Uint8Array(embeddingBytes(dtype, m.rows, m.cols));
  const view = new DataView(bytes.buffer);
  if (dtype === 'float32') {
    for (let i = 0; i < m.data.length; i++) view.setFloat32(i * 4, m.data[i], true);
  } else if (dtype === 'float16') {
    for (let i = 0; i < m.data.length; i++) view.setUint16(i * 2, float32ToFloat16(m.data[i]), true);
  } else {
    const scalesAt = align4(m.rows * m.cols);
    for (let r = 0; r < m.rows; r++) {
      let max = 0;
      for (let c = 0; c < m.cols; c++) max = Math.max(max, Math.abs(m.data[r * m.cols + c]));
      const scale = max > 0 ? max / 127 : 1;
      for (let c = 0; c < m.cols; c++) view.setInt8(r * m.cols + c, Math.round(m.data[r * m.cols + c] / scale));
      view.setFloat32(scalesAt + r * 4, scale, true);
    }
  }
  return bytes;
}

/** Decodes and checks an embedding file against its manifest entry; errors name the file. */
export function decodeEmbeddings(bytes: Uint8Array, entry: EmbeddingsEntry): DenseMatrix {
  const expected = embeddingBytes(entry.dtype, entry.count, entry.dim);
  if (bytes.byteLength !== expected) {
    throw new InputError(
      entry.file,
      `is ${bytes.byteLength} bytes, but ${entry.count} x ${entry.dim} ${entry.dtype} embeddings need ${expected}`,
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = entry.count * entry.dim;
  const out = new Float32Array(n);
  if (entry.dtype === 'float32') {
    for (let i = 0; i < n; i++) out[i] = view.getFloat32(i * 4, true);
  } else if (entry.dtype === 'float16') {
    for (let i = 0; i < n; i++) out[i] = float16ToFloat32(view.getUint16(i * 2, true));
  } else {
    const scalesAt = align4(n);
    const q = new Int8Array(bytes.buffer, bytes.byteOffset, n); // int8 has no byte order
    for (let r = 0; r < entry.count; r++) {
      const scale = view.getFloat32(scalesAt + r * 4, true);
      // |q| <= 128, so a row is finite when 128 x its scale is (as float32): one check per row, not per value.
      if (!Number.isFinite(Math.fround(128 * scale))) throw new InputError(entry.file, `holds a non-finite value at item row ${r}`);
      const base = r * entry.dim;
      for (let c = 0; c < entry.dim; c++) out[base + c] = q[base + c] * scale;
    }
    return denseMatrix(entry.count, entry.dim, out);
  }
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(out[i])) {
      throw new InputError(entry.file, `holds a non-finite value at item row ${Math.floor(i / entry.dim)}`);
    }
  }
  return denseMatrix(entry.count, entry.dim, out);
}
