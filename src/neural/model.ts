import * as tf from '@tensorflow/tfjs-core';
import { addTransformerLayers, paramAdder } from './params.js';
import { gruLastOutput as gruCpuOutput, type GruCpuWeights, packGru } from './gru-cpu.js';
import { dense, gelu, layerNorm, lookupRows, mm, mmT, tiedLogits } from './ops.js';

/**
 * BERT4Rec, SASRec and GRU4Rec as plain tfjs variables and ops (no Layers API), so the same code trains
 * in Node and scores in the browser, and the weights save as one tfjs weights bundle.
 * Tokens: 0 = padding, 1..nItems = catalog item (dense index + 1), nItems + 1 = [MASK].
 * Sequences are left-padded; positions count from the end, so the last item always has the
 * same position embedding whatever the sequence length.
 */
export type SeqArch = 'bert4rec' | 'sasrec' | 'gru4rec';

export interface SeqModelConfig {
  readonly arch: SeqArch;
  readonly nItems: number;
  /** N: the last N items of a session are used. */
  readonly maxLen: number;
  readonly dim: number;
  readonly layers: number;
  readonly heads: number;
  readonly dropout: number;
  readonly seed: number;
  /** GRU4Rec's hidden size (default: dim). */
  readonly hidden?: number;
}

export { INIT_STD } from './params.js';

/**
 * The fixed input lengths one session is left-padded to for scoring (capped at the model's
 * maxLen). GPU backends compile a program per tensor shape: with these, a new session length
 * never compiles new programs (3 shapes instead of 20). Padding is exact: padded keys are
 * masked out of attention (weight exactly 0), and padding steps keep the GRU state.
 */
export const PROMPT_BUCKETS = [5, 10, 20] as const;

export function bucketLength(n: number, maxLen: number): number {
  for (const b of PROMPT_BUCKETS) if (b >= n && b <= maxLen) return b;
  return Math.max(n, maxLen);
}

export class SeqModel {
  readonly vars = new Map<string, tf.Variable>();
  private dropoutSeed: number;

  /** Restarts the dropout stream (per epoch), so a resumed run draws the same masks. */
  reseedDropout(seed: number): void {
    this.dropoutSeed = seed;
  }

  constructor(
    readonly config: SeqModelConfig,
    weights?: ReadonlyMap<string, tf.Tensor>,
    /**
     * Initial values: `items` rows [nItems, dim] (LLM initialisation; padding and [MASK] rows
     * stay random) and `itemBias` [nItems] (e.g. centred log popularity).
     */
    init: { items?: Float32Array; itemBias?: Float32Array } = {},
  ) {
    if (config.dim % config.heads !== 0) throw new RangeError(`dim ${config.dim} must be divisible by heads ${config.heads}`);
    this.dropoutSeed = config.seed * 7919;
    // Truncated normal (std 0.02, cut at 2 std) as BERT4Rec.
    const add = paramAdder(this.vars, config.seed, weights);
    const { nItems, maxLen, dim, layers } = config;
    add('items', [nItems + 2, dim], 'normal');
    if (init.items && !weights?.has('items')) {
      if (init.items.length !== nItems * dim) throw new RangeError(`item init has ${init.items.length} values, expected ${nItems} x ${dim}`);
      const table = this.vars.get('items')!;
      const data = (table.dataSync() as Float32Array).slice();
      data.set(init.items, dim); // rows 1..nItems
      tf.tidy(() => table.assign(tf.tensor2d(data, [nItems + 2, dim])));
    }
    add('itemBias', [nItems], 'zeros');
    if (init.itemBias && !weights?.has('itemBias')) {
      if (init.itemBias.length !== nItems) throw new RangeError(`item bias init has ${init.itemBias.length} values, expected ${nItems}`);
      tf.tidy(() => this.vars.get('itemBias')!.assign(tf.tensor1d(init.itemBias!)));
    }
    add('positions', [maxLen, dim], 'normal');
    add('embNorm.gamma', [dim], 'ones');
    add('embNorm.beta', [dim], 'zeros');
    if (config.arch === 'gru4rec') {
      const H = config.hidden ?? dim;
      for (const g of ['z', 'r', 'n']) {
        add(`gru.${g}.w`, [dim, H], 'normal');
        add(`gru.${g}.u`, [H, H], 'normal');
        add(`gru.${g}.b`, [H], 'zeros');
      }
      add('gru.out.w', [H, dim], 'normal');
      add('gru.out.b', [dim], 'zeros');
      return;
    }
    addTransformerLayers(add, layers, dim);
  }

  private v<R extends tf.Rank>(name: string): tf.Tensor<R> {
    const t = this.vars.get(name);
    if (!t) throw new Error(`no weight ${name}`);
    return t as unknown as tf.Tensor<R>;
  }

  get maskToken(): number {
    return this.config.nItems + 1;
  }

  private drop(x: tf.Tensor, training: boolean): tf.Tensor {
    if (!training || this.config.dropout <= 0) return x;
    return tf.dropout(x, this.config.dropout, undefined, this.dropoutSeed++);
  }

  /** Hidden states [B, L, D] for tokens [B, L] (int32). */
  encode(tokens: tf.Tensor2D, training: boolean): tf.Tensor3D {
    const { dim, heads, maxLen, arch } = this.config;
    const [B, L] = tokens.shape;
    if (L > maxLen) throw new RangeError(`sequence length ${L} exceeds maxLen ${maxLen}`);
    const dh = dim / heads;
    const emb = tf.reshape(lookupRows(this.v('items'), tf.reshape(tokens, [-1]) as tf.Tensor1D), [B, L, dim]);
    const pos = tf.slice(this.v<tf.Rank.R2>('positions'), [maxLen - L, 0], [L, dim]);
    if (arch === 'gru4rec') return this.encodeGru(tokens, this.drop(emb, training) as tf.Tensor3D, training);
    let x = this.drop(layerNorm(tf.add(emb, pos), this.v('embNorm.gamma'), this.v('embNorm.beta')), training);

    // Additive attention mask: padded keys, and future keys for SASRec.
    let mask: tf.Tensor = tf.reshape(tf.mul(tf.cast(tf.equal(tokens, 0), 'float32'), -1e9), [B, 1, 1, L]);
    if (arch === 'sasrec') {
      const future = tf.sub(1, tf.linalg.bandPart(tf.ones([L, L]), -1, 0)); // 1 above the diagonal
      mask = tf.add(mask, tf.reshape(tf.mul(future, -1e9), [1, 1, L, L]));
    }
    const split = (t: tf.Tensor) => tf.transpose(tf.reshape(t, [B, L, heads, dh]), [0, 2, 1, 3]);
    for (let l = 0; l < this.config.layers; l++) {
      const p = (n: string) => this.v<tf.Rank.R2>(`l${l}.${n}`);
      const b = (n: string) => this.v<tf.Rank.R1>(`l${l}.${n}`);
      const q = split(dense(x, p('q.w'), b('q.b')));
      const k = split(dense(x, p('k.w'), b('k.b')));
      const v = split(dense(x, p('v.w'), b('v.b')));
      const scores = tf.add(tf.div(mm(q, tf.transpose(k, [0, 1, 3, 2])), Math.sqrt(dh)), mask);
      const att = this.drop(tf.softmax(scores), training);
      const ctx = tf.reshape(tf.transpose(mm(att, v), [0, 2, 1, 3]), [B, L, dim]);
      const a = this.drop(dense(ctx, p('o.w'), b('o.b')), training);
      x = layerNorm(tf.add(x, a), b('attNorm.gamma'), b('attNorm.beta'));
      const f = this.drop(dense(gelu(dense(x, p('ff1.w'), b('ff1.b'))), p('ff2.w'), b('ff2.b')), training);
      x = layerNorm(tf.add(x, f), b('ffNorm.gamma'), b('ffNorm.beta'));
    }
    return x as tf.Tensor3D;
  }

  /**
   * GRU over the (left-padded) sequence; padding steps keep the state. Outputs are projected
   * back to the item-embedding width for the tied output layer. tanh(x) is computed as
   * 2σ(2x) - 1 (exact; tanh is ~10x slower than sigmoid on wasm).
   */
  private encodeGru(tokens: tf.Tensor2D, x: tf.Tensor3D, training: boolean): tf.Tensor3D {
    const [B, L] = tokens.shape;
    const H = this.config.hidden ?? this.config.dim;
    const g = (n: string) => this.v<tf.Rank.R2>(`gru.${n}`);
    const bias = (n: string) => this.v<tf.Rank.R1>(`gru.${n}`);
    const tanh = (t: tf.Tensor) => tf.sub(tf.mul(tf.sigmoid(tf.mul(t, 2)), 2), 1);
    // Input projections for every step at once.
    const xz = dense(x, g('z.w'), bias('z.b'));
    const xr = dense(x, g('r.w'), bias('r.b'));
    const xn = dense(x, g('n.w'), bias('n.b'));
    const real = tf.cast(tf.notEqual(tokens, 0), 'float32');
    let h: tf.Tensor = tf.zeros([B, H]);
    const outs: tf.Tensor[] = [];
    for (let t = 0; t < L; t++) {
      const at = (a: tf.Tensor) => tf.reshape(tf.slice(a, [0, t, 0], [B, 1, H]), [B, H]);
      const z = tf.sigmoid(tf.add(at(xz), mm(h, g('z.u'))));
      const r = tf.sigmoid(tf.add(at(xr), mm(h, g('r.u'))));
      const n = tanh(tf.add(at(xn), tf.mul(r, mm(h, g('n.u')))));
      const next = tf.add(tf.mul(tf.sub(1, z), n), tf.mul(z, h));
      const m = tf.reshape(tf.slice(real, [0, t], [B, 1]), [B, 1]);
      h = tf.add(tf.mul(m, next), tf.mul(tf.sub(1, m), h));
      outs.push(h);
    }
    const seq = this.drop(tf.stack(outs, 1), training);
    return dense(seq, g('out.w'), bias('out.b')) as tf.Tensor3D;
  }

  /** Scores of every catalog item for hidden states [M, D]: tied item embeddings + bias. */
  itemLogits(h: tf.Tensor2D): tf.Tensor2D {
    const { nItems, dim } = this.config;
    if (this.frozenTable) return tf.add(mm(h, this.frozenTable), this.v('itemBias')) as tf.Tensor2D;
    const w = tf.slice(this.v<tf.Rank.R2>('items'), [1, 0], [nItems, dim]);
    return tiedLogits(h, w, this.v('itemBias'));
  }

  /** The item table sliced and transposed once ([D, nItems]) for scoring, after training. */
  private frozenTable: tf.Tensor2D | null = null;

  /**
   * Marks the weights final: scoring then reuses one transposed copy of the item table instead
   * of slicing and transposing 12k x D values per call. Training a frozen model is an error.
   */
  freeze(): this {
    if (!this.frozenTable) {
      const { nItems, dim } = this.config;
      this.frozenTable = tf.tidy(() => tf.transpose(tf.slice(this.v<tf.Rank.R2>('items'), [1, 0], [nItems, dim])) as tf.Tensor2D);
    }
    return this;
  }

  get frozen(): boolean {
    return this.frozenTable !== null;
  }

  /** The input tokens for scoring the next item after a prompt (dense item indices). */
  inferenceTokens(prompt: ArrayLike<number>): number[] {
    const keep = this.config.arch === 'bert4rec' ? this.config.maxLen - 1 : this.config.maxLen; // SASRec and GRU4Rec: the last N items
    const start = Math.max(0, prompt.length - keep);
    const toks: number[] = [];
    for (let i = start; i < prompt.length; i++) toks.push(prompt[i] + 1);
    if (this.config.arch === 'bert4rec') toks.push(this.maskToken);
    return toks;
  }

  /**
   * Next-item scores [B, nItems] for prompts (left-padded to a common length, at least
   * `padTo`; see PROMPT_BUCKETS).
   */
  scorePrompts(prompts: readonly ArrayLike<number>[], padTo = 1): tf.Tensor2D {
    return tf.tidy(() => {
      const seqs = prompts.map((p) => this.inferenceTokens(p));
      const L = Math.max(padTo, ...seqs.map((s) => s.length));
      const flat = new Int32Array(seqs.length * L);
      seqs.forEach((s, r) => flat.set(s, r * L + (L - s.length)));
      const h = this.encode(tf.tensor2d(flat, [seqs.length, L], 'int32'), false);
      const last = tf.reshape(tf.slice(h, [0, L - 1, 0], [seqs.length, 1, this.config.dim]), [seqs.length, this.config.dim]) as tf.Tensor2D;
      return this.itemLogits(last);
    });
  }

  /** A frozen GRU4Rec's weights copied to the CPU for one-session scoring (see gru-cpu.ts); null otherwise. */
  private gruCpu: GruCpuWeights | null = null;

  private packGruCpu(read: (name: string) => Float32Array): GruCpuWeights {
    const H = this.config.hidden ?? this.config.dim;
    const gates = ['z', 'r', 'n'];
    return packGru(
      this.config.dim,
      H,
      read('items'),
      { w: gates.map((g) => read(`gru.${g}.w`)), u: gates.map((g) => read(`gru.${g}.u`)), b: gates.map((g) => read(`gru.${g}.b`)) },
      read('gru.out.w'),
      read('gru.out.b'),
    );
  }

  /** Reads the GRU weights back without blocking (GPU backends read asynchronously); a no-op for the transformers. */
  async prepareOneSession(): Promise<void> {
    if (this.config.arch !== 'gru4rec' || !this.frozen || this.gruCpu) return;
    const names = ['items', 'gru.out.w', 'gru.out.b', ...['z', 'r', 'n'].flatMap((g) => [`gru.${g}.w`, `gru.${g}.u`, `gru.${g}.b`])];
    const values = new Map(await Promise.all(names.map(async (n) => [n, (await this.v(n).data()) as Float32Array] as const)));
    this.gruCpu ??= this.packGruCpu((n) => values.get(n)!);
  }

  /**
   * Next-item scores [1, nItems] for one session, the way the app scores: GRU4Rec runs its
   * recurrence on the CPU (once its weights are read, see prepareOneSession; synchronously read
   * here on CPU/WASM) and only the catalog scoring on the backend; the transformers pad to a
   * PROMPT_BUCKETS length. Equal to scorePrompts([prompt]) up to float rounding.
   */
  scoreOneSession(prompt: ArrayLike<number>): tf.Tensor2D {
    return tf.tidy(() => this.itemLogits(this.lastHidden(prompt)));
  }

  /**
   * Scores of the given catalog items only (dense indices) for one session: the same values as
   * scoreOneSession at those items, computed from their rows alone (for re-ranking candidates
   * from a vector index without scoring the whole catalog).
   */
  scoreCandidates(prompt: ArrayLike<number>, candidates: Int32Array): tf.Tensor1D {
    return tf.tidy(() => {
      const ids = tf.tensor1d(candidates, 'int32');
      const rows = tf.gather(this.v<tf.Rank.R2>('items'), tf.add(ids, tf.scalar(1, 'int32'))); // token = index + 1
      const logits = tf.reshape(mmT(this.lastHidden(prompt), rows as tf.Tensor2D), [candidates.length]);
      return tf.add(logits, tf.gather(this.v<tf.Rank.R1>('itemBias'), ids)) as tf.Tensor1D;
    });
  }

  /** The hidden state [1, D] one-session scoring projects onto the item table. */
  private lastHidden(prompt: ArrayLike<number>): tf.Tensor2D {
    // Weights copied to the CPU must stay current: only a frozen (final) model uses the copy.
    if (this.config.arch === 'gru4rec' && this.frozen) {
      if (!this.gruCpu && tf.getBackend() !== 'webgl' && tf.getBackend() !== 'webgpu') {
        this.gruCpu = this.packGruCpu((n) => this.v(n).dataSync() as Float32Array);
      }
      if (this.gruCpu) return tf.tensor2d(gruCpuOutput(this.gruCpu, this.inferenceTokens(prompt)), [1, this.config.dim]);
    }
    const toks = this.inferenceTokens(prompt);
    const L = bucketLength(toks.length, this.config.maxLen);
    const flat = new Int32Array(L);
    flat.set(toks, L - toks.length);
    return tf.tidy(() => {
      const h = this.encode(tf.tensor2d(flat, [1, L], 'int32'), false);
      return tf.reshape(tf.slice(h, [0, L - 1, 0], [1, 1, this.config.dim]), [1, this.config.dim]) as tf.Tensor2D;
    });
  }

  /** Input lengths one-session scoring can use (one GPU program set each). */
  get promptBuckets(): number[] {
    if (this.config.arch === 'gru4rec') return [1];
    const out = new Set<number>();
    for (let n = 1; n <= this.config.maxLen; n++) out.add(bucketLength(n, this.config.maxLen));
    return [...out];
  }

  trainable(): tf.Variable[] {
    return [...this.vars.values()];
  }

  dispose(): void {
    this.gruCpu = null;
    this.frozenTable?.dispose();
    this.frozenTable = null;
    for (const v of this.vars.values()) v.dispose();
    this.vars.clear();
  }
}
