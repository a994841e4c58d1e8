import * as tf from '@tensorflow/tfjs-core';
import { addTransformerLayers, paramAdder } from './params.js';
import { dense, gelu, layerNorm, lookupRows, mm, mmT } from './ops.js';

/**
 * The local LLMSeqPrompt model: a small causal (GPT-style, pre-LayerNorm) transformer
 * language model over the catalog's title tokens, written with plain tfjs ops like SeqModel
 * so the same code trains in Node and generates in the browser. It is small and trained from
 * scratch on the shop's sessions: not a pretrained LLM.
 *
 * Token embeddings are tied to the output layer (plus a bias). Sequences are right-padded
 * (causal attention never looks at the padding after a row's last real token); positions
 * count from 0.
 */
export interface LmConfig {
  /** Model vocabulary size (special tokens + the catalog's tokens). */
  readonly vocab: number;
  readonly maxLen: number;
  readonly dim: number;
  readonly layers: number;
  readonly heads: number;
  readonly dropout: number;
  readonly seed: number;
}

/** Per-layer keys/values [R, heads, T, dh], which keys are real, and each row's next position. */
export interface KvCache {
  readonly k: tf.Tensor4D[];
  readonly v: tf.Tensor4D[];
  readonly keyMask: tf.Tensor2D;
  readonly next: Int32Array;
}

export function disposeCache(c: KvCache): void {
  c.k.forEach((t) => t.dispose());
  c.v.forEach((t) => t.dispose());
  c.keyMask.dispose();
}

export class LmModel {
  readonly vars = new Map<string, tf.Variable>();
  private dropoutSeed: number;
  private frozenTable: tf.Tensor2D | null = null;

  constructor(
    readonly config: LmConfig,
    weights?: ReadonlyMap<string, tf.Tensor>,
  ) {
    if (config.dim % config.heads !== 0) throw new RangeError(`dim ${config.dim} must be divisible by heads ${config.heads}`);
    this.dropoutSeed = config.seed * 7919;
    const add = paramAdder(this.vars, config.seed, weights);
    const { vocab, maxLen, dim, layers } = config;
    add('tokens', [vocab, dim], 'normal');
    add('outBias', [vocab], 'zeros');
    add('positions', [maxLen, dim], 'normal');
    addTransformerLayers(add, layers, dim);
    add('finalNorm.gamma', [dim], 'ones');
    add('finalNorm.beta', [dim], 'zeros');
  }

  private v<R extends tf.Rank>(name: string): tf.Tensor<R> {
    const t = this.vars.get(name);
    if (!t) throw new Error(`no weight ${name}`);
    return t as unknown as tf.Tensor<R>;
  }

  reseedDropout(seed: number): void {
    this.dropoutSeed = seed;
  }

  private drop(x: tf.Tensor, training: boolean): tf.Tensor {
    if (!training || this.config.dropout <= 0) return x;
    return tf.dropout(x, this.config.dropout, undefined, this.dropoutSeed++);
  }

  /** Final hidden states [B, L, D] for tokens [B, L] (int32, right-padded). */
  encode(tokens: tf.Tensor2D, training: boolean): tf.Tensor3D {
    const { dim, heads, maxLen } = this.config;
    const [B, L] = tokens.shape;
    if (L > maxLen) throw new RangeError(`sequence length ${L} exceeds maxLen ${maxLen}`);
    const dh = dim / heads;
    const emb = tf.reshape(lookupRows(this.v('tokens'), tf.reshape(tokens, [-1]) as tf.Tensor1D), [B, L, dim]);
    const pos = tf.slice(this.v<tf.Rank.R2>('positions'), [0, 0], [L, dim]);
    let x = this.drop(tf.add(emb, pos), training);
    const future = tf.sub(1, tf.linalg.bandPart(tf.ones([L, L]), -1, 0));
    const mask = tf.reshape(tf.mul(future, -1e9), [1, 1, L, L]);
    const split = (t: tf.Tensor) => tf.transpose(tf.reshape(t, [B, L, heads, dh]), [0, 2, 1, 3]);
    for (let l = 0; l < this.config.layers; l++) {
      const p = (n: string) => this.v<tf.Rank.R2>(`l${l}.${n}`);
      const b = (n: string) => this.v<tf.Rank.R1>(`l${l}.${n}`);
      const h = layerNorm(x, b('attNorm.gamma'), b('attNorm.beta'));
      const q = split(dense(h, p('q.w'), b('q.b')));
      const k = split(dense(h, p('k.w'), b('k.b')));
      const v = split(dense(h, p('v.w'), b('v.b')));
      const scores = tf.add(tf.div(mm(q, tf.transpose(k, [0, 1, 3, 2])), Math.sqrt(dh)), mask);
      const att = this.drop(tf.softmax(scores), training);
      const ctx = tf.reshape(tf.transpose(mm(att, v), [0, 2, 1, 3]), [B, L, dim]);
      x = tf.add(x, this.drop(dense(ctx, p('o.w'), b('o.b')), training));
      const h2 = layerNorm(x, b('ffNorm.gamma'), b('ffNorm.beta'));
      x = tf.add(x, this.drop(dense(gelu(dense(h2, p('ff1.w'), b('ff1.b'))), p('ff2.w'), b('ff2.b')), training));
    }
    return layerNorm(x, this.v('finalNorm.gamma'), this.v('finalNorm.beta')) as tf.Tensor3D;
  }

  /** Next-token logits [M, vocab] for hidden states [M, D] (tied token embeddings + bias). */
  logits(h: tf.Tensor2D): tf.Tensor2D {
    if (this.frozenTable) return tf.add(mm(h, this.frozenTable), this.v('outBias')) as tf.Tensor2D;
    return tf.add(mmT(h, this.v<tf.Rank.R2>('tokens')), this.v('outBias')) as tf.Tensor2D;
  }

  /** Inference only from now on: one transposed copy of the token table for the output layer. */
  freeze(): this {
    this.frozenTable ??= tf.tidy(() => tf.transpose(this.v<tf.Rank.R2>('tokens')) as tf.Tensor2D);
    return this;
  }

  get frozen(): boolean {
    return this.frozenTable !== null;
  }

  /**
   * Next-token logits [B, vocab] after each row's last real token: `flat` holds B right-padded
   * rows of length L, `lengths[r]` real tokens in row r.
   */
  nextLogits(flat: Int32Array, B: number, L: number, lengths: ArrayLike<number>): tf.Tensor2D {
    return tf.tidy(() => {
      const h = this.encode(tf.tensor2d(flat, [B, L], 'int32'), false);
      const idx = new Int32Array(B);
      for (let r = 0; r < B; r++) idx[r] = r * L + lengths[r] - 1;
      const rows = tf.gather(tf.reshape(h, [B * L, this.config.dim]), tf.tensor1d(idx, 'int32')) as tf.Tensor2D;
      return this.logits(rows);
    });
  }

  /**
   * Incremental decoding with a key/value cache: `prefill` runs the left-padded prompts once
   * (positions count from each row's first real token, padded keys are masked), `step` feeds
   * one new token per row and attends over the cache. The same function as `encode` on the
   * unpadded sequence (a test checks the logits), at a fraction of the cost per new token.
   */
  prefill(flat: Int32Array, S: number, Lp: number, lengths: ArrayLike<number>): { cache: KvCache; logits: tf.Tensor2D } {
    const { dim, heads } = this.config;
    const dh = dim / heads;
    const posIds = new Int32Array(S * Lp);
    const keyMask = new Float32Array(S * Lp);
    const next = new Int32Array(S);
    for (let r = 0; r < S; r++) {
      const pad = Lp - lengths[r];
      for (let c = pad; c < Lp; c++) {
        posIds[r * Lp + c] = c - pad;
        keyMask[r * Lp + c] = 1;
      }
      next[r] = lengths[r];
    }
    const ks: tf.Tensor4D[] = [];
    const vs: tf.Tensor4D[] = [];
    const logits = tf.tidy(() => {
      const emb = tf.reshape(tf.gather(this.v('tokens'), tf.tensor1d(flat, 'int32')), [S, Lp, dim]);
      const pos = tf.reshape(tf.gather(this.v('positions'), tf.tensor1d(posIds, 'int32')), [S, Lp, dim]);
      let x: tf.Tensor = tf.add(emb, pos);
      const future = tf.sub(1, tf.linalg.bandPart(tf.ones([Lp, Lp]), -1, 0));
      const padKeys = tf.reshape(tf.sub(1, tf.tensor2d(keyMask, [S, Lp])), [S, 1, 1, Lp]);
      const mask = tf.mul(tf.add(tf.reshape(future, [1, 1, Lp, Lp]), padKeys), -1e9);
      const split = (t: tf.Tensor) => tf.transpose(tf.reshape(t, [S, Lp, heads, dh]), [0, 2, 1, 3]) as tf.Tensor4D;
      for (let l = 0; l < this.config.layers; l++) {
        const p = (n: string) => this.v<tf.Rank.R2>(`l${l}.${n}`);
        const b = (n: string) => this.v<tf.Rank.R1>(`l${l}.${n}`);
        const h = layerNorm(x, b('attNorm.gamma'), b('attNorm.beta'));
        const q = split(dense(h, p('q.w'), b('q.b')));
        const k = split(dense(h, p('k.w'), b('k.b')));
        const v = split(dense(h, p('v.w'), b('v.b')));
        ks.push(tf.keep(k));
        vs.push(tf.keep(v));
        const att = tf.softmax(tf.add(tf.div(mm(q, tf.transpose(k, [0, 1, 3, 2])), Math.sqrt(dh)), mask));
        const ctx = tf.reshape(tf.transpose(mm(att, v), [0, 2, 1, 3]), [S, Lp, dim]);
        x = tf.add(x, dense(ctx, p('o.w'), b('o.b')));
        const h2 = layerNorm(x, b('ffNorm.gamma'), b('ffNorm.beta'));
        x = tf.add(x, dense(gelu(dense(h2, p('ff1.w'), b('ff1.b'))), p('ff2.w'), b('ff2.b')));
      }
      const last = tf.reshape(tf.slice(x, [0, Lp - 1, 0], [S, 1, dim]), [S, dim]);
      return this.logits(layerNorm(last, this.v('finalNorm.gamma'), this.v('finalNorm.beta')) as tf.Tensor2D);
    });
    return { cache: { k: ks, v: vs, keyMask: tf.tensor2d(keyMask, [S, Lp]), next }, logits };
  }

  /** The cache with each row repeated `n` times (n samples per prompt), rows [r0 x n, r1 x n, ...]. */
  repeatCache(cache: KvCache, n: number): KvCache {
    const S = cache.next.length;
    const idx = tf.tensor1d(Int32Array.from({ length: S * n }, (_, i) => Math.floor(i / n)), 'int32');
    const out: KvCache = {
      k: cache.k.map((t) => tf.gather(t, idx) as tf.Tensor4D),
      v: cache.v.map((t) => tf.gather(t, idx) as tf.Tensor4D),
      keyMask: tf.gather(cache.keyMask, idx) as tf.Tensor2D,
      next: Int32Array.from({ length: S * n }, (_, i) => cache.next[Math.floor(i / n)]),
    };
    idx.dispose();
    disposeCache(cache);
    return out;
  }

  /** Feeds one token per row; returns the next-token logits [R, vocab] and the grown cache (the old one is disposed). */
  step(cache: KvCache, tokens: Int32Array): { cache: KvCache; logits: tf.Tensor2D } {
    const { dim, heads, maxLen } = this.config;
    const dh = dim / heads;
    const R = tokens.length;
    const posIds = Int32Array.from(cache.next, (p) => Math.min(p, maxLen - 1));
    const ks: tf.Tensor4D[] = [];
    const vs: tf.Tensor4D[] = [];
    const keyMask = tf.tidy(() => tf.concat([cache.keyMask, tf.ones([R, 1])], 1) as tf.Tensor2D);
    const logits = tf.tidy(() => {
      const T = keyMask.shape[1];
      let x: tf.Tensor = tf.add(tf.gather(this.v('tokens'), tf.tensor1d(tokens, 'int32')), tf.gather(this.v('positions'), tf.tensor1d(posIds, 'int32')));
      const mask = tf.reshape(tf.mul(tf.sub(1, keyMask), -1e9), [R, 1, 1, T]);
      const split = (t: tf.Tensor) => tf.reshape(t, [R, heads, 1, dh]) as tf.Tensor4D;
      for (let l = 0; l < this.config.layers; l++) {
        const p = (n: string) => this.v<tf.Rank.R2>(`l${l}.${n}`);
        const b = (n: string) => this.v<tf.Rank.R1>(`l${l}.${n}`);
        const h = layerNorm(x, b('attNorm.gamma'), b('attNorm.beta'));
        const k = tf.keep(tf.concat([cache.k[l], split(dense(h, p('k.w'), b('k.b')))], 2) as tf.Tensor4D);
        const v = tf.keep(tf.concat([cache.v[l], split(dense(h, p('v.w'), b('v.b')))], 2) as tf.Tensor4D);
        ks.push(k);
        vs.push(v);
        const q = split(dense(h, p('q.w'), b('q.b')));
        const att = tf.softmax(tf.add(tf.div(mm(q, tf.transpose(k, [0, 1, 3, 2])), Math.sqrt(dh)), mask));
        x = tf.add(x, dense(tf.reshape(mm(att, v), [R, dim]), p('o.w'), b('o.b')));
        const h2 = layerNorm(x, b('ffNorm.gamma'), b('ffNorm.beta'));
        x = tf.add(x, dense(gelu(dense(h2, p('ff1.w'), b('ff1.b'))), p('ff2.w'), b('ff2.b')));
      }
      return this.logits(layerNorm(x, this.v('finalNorm.gamma'), this.v('finalNorm.beta')) as tf.Tensor2D);
    });
    const next = Int32Array.from(cache.next, (p) => p + 1);
    disposeCache(cache);
    return { cache: { k: ks, v: vs, keyMask, next }, logits };
  }

  trainable(): tf.Variable[] {
    return [...this.vars.values()];
  }

  dispose(): void {
    this.frozenTable?.dispose();
    this.frozenTable = null;
    for (const v of this.vars.values()) v.dispose();
    this.vars.clear();
  }
}
