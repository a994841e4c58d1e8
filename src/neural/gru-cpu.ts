/**
 * GRU4Rec's recurrence for one session on the CPU, in plain typed-array loops: the same
 * equations as SeqModel.encodeGru (z, r gates; n = tanh(x·Wn + bn + r ⊙ (h·Un)); h' = (1-z) ⊙ n + z ⊙ h).
 *
 * Why: on a GPU backend each of the ~25 element-wise ops and 3 small matmuls of a step is a
 * separate dispatch, ~500 dispatches for a 20-item session, while the whole recurrence is
 * ~0.6 M multiply-adds (H=96): dispatch overhead, not arithmetic, made GRU4Rec ~20x slower
 * than the transformers on WebGPU. The catalog-wide scoring (the real arithmetic) stays on
 * the backend. Hand-written: no library runs a GRU step on typed arrays without a backend.
 */
export interface GruCpuWeights {
  readonly dim: number;
  readonly hidden: number;
  /** Item table [(nItems + 2), dim] (token-indexed: 0 = padding). */
  readonly items: Float32Array;
  /** Input weights [dim, 3H] (z | r | n) and biases [3H]. */
  readonly w: Float32Array;
  readonly b: Float32Array;
  /** Recurrent weights [H, 3H] (z | r | n). */
  readonly u: Float32Array;
  /** Output projection [H, dim] and bias [dim]. */
  readonly outW: Float32Array;
  readonly outB: Float32Array;
}

/** Packs the per-gate tensors' values ([dim,H] x 3, [H,H] x 3, [H] x 3) into the fused layout. */
export function packGru(
  dim: number,
  hidden: number,
  items: Float32Array,
  gates: { w: Float32Array[]; u: Float32Array[]; b: Float32Array[] },
  outW: Float32Array,
  outB: Float32Array,
): GruCpuWeights {
  const H = hidden;
  const w = new Float32Array(dim * 3 * H);
  const u = new Float32Array(H * 3 * H);
  const b = new Float32Array(3 * H);
  for (let g = 0; g < 3; g++) {
    for (let i = 0; i < dim; i++) w.set(gates.w[g].subarray(i * H, (i + 1) * H), i * 3 * H + g * H);
    for (let i = 0; i < H; i++) u.set(gates.u[g].subarray(i * H, (i + 1) * H), i * 3 * H + g * H);
    b.set(gates.b[g], g * H);
  }
  return { dim, hidden, items, w, b, u, outW, outB };
}

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

/** The projected last hidden state [dim] for a session's tokens (no padding needed: padding steps keep the state). */
export function gruLastOutput(p: GruCpuWeights, tokens: ArrayLike<number>): Float32Array {
  const { dim, hidden: H, items, w, b, u } = p;
  const H3 = 3 * H;
  let h = new Float64Array(H);
  let next = new Float64Array(H);
  const xa = new Float64Array(H3);
  const ha = new Float64Array(H3);
  for (let t = 0; t < tokens.length; t++) {
    const tok = tokens[t];
    if (tok === 0) continue; // padding keeps the state
    const e = tok * dim;
    xa.set(b);
    for (let i = 0; i < dim; i++) {
      const x = items[e + i];
      if (x === 0) continue;
      const row = i * H3;
      for (let j = 0; j < H3; j++) xa[j] += x * w[row + j];
    }
    ha.fill(0);
    for (let i = 0; i < H; i++) {
      const hi = h[i];
      if (hi === 0) continue;
      const row = i * H3;
      for (let j = 0; j < H3; j++) ha[j] += hi * u[row + j];
    }
    for (let j = 0; j < H; j++) {
      const z = sigmoid(xa[j] + ha[j]);
      const r = sigmoid(xa[H + j] + ha[H + j]);
      const n = Math.tanh(xa[2 * H + j] + r * ha[2 * H + j]);
      next[j] = (1 - z) * n + z * h[j];
    }
    [h, next] = [next, h];
  }
  const out = new Float32Array(dim);
  for (let d = 0; d < dim; d++) {
    let s = p.outB[d];
    for (let i = 0; i < H; i++) s += h[i] * p.outW[i * dim + d];
    out[d] = s;
  }
  return out;
}
