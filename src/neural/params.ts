import * as tf from '@tensorflow/tfjs-core';
import { gaussian, mulberry32 } from '../core/vectors/random.js';

/** Standard deviation of the truncated-normal initialiser (as BERT4Rec). */
export const INIT_STD = 0.02;

export type ParamInit = 'normal' | 'zeros' | 'ones';
export type AddParam = (name: string, shape: number[], init: ParamInit) => void;

/**
 * The weight table of a model built from plain tfjs ops (the sequential models and the local
 * language model): `add(name, shape, init)` creates a trainable variable, from `weights` when
 * given (a loaded model; the shape must match) or from a seeded truncated normal (std 0.02,
 * cut at 2 std), zeros or ones. Variables are auto-named, so several models may coexist.
 */
export function paramAdder(vars: Map<string, tf.Variable>, seed: number, weights?: ReadonlyMap<string, tf.Tensor>): AddParam {
  const g = gaussian(mulberry32(seed));
  const normal = (n: number) =>
    Float32Array.from({ length: n }, () => {
      let v = g();
      while (Math.abs(v) > 2) v = g();
      return v * INIT_STD;
    });
  return (name, shape, init) => {
    const given = weights?.get(name);
    if (given && given.shape.join() !== shape.join()) throw new Error(`weight ${name} has shape [${given.shape}], expected [${shape}]`);
    const size = shape.reduce((a, b) => a * b, 1);
    const t = given ?? tf.tensor(init === 'normal' ? normal(size) : new Float32Array(size).fill(init === 'ones' ? 1 : 0), shape);
    vars.set(name, tf.variable(t, true));
    if (!given) t.dispose();
  };
}

/** The weights of `layers` pre-LayerNorm transformer blocks of width `dim` (attention q/k/v/o, a 4x feed-forward, two norms). */
export function addTransformerLayers(add: AddParam, layers: number, dim: number): void {
  for (let l = 0; l < layers; l++) {
    for (const w of ['q', 'k', 'v', 'o']) {
      add(`l${l}.${w}.w`, [dim, dim], 'normal');
      add(`l${l}.${w}.b`, [dim], 'zeros');
    }
    add(`l${l}.ff1.w`, [dim, 4 * dim], 'normal');
    add(`l${l}.ff1.b`, [4 * dim], 'zeros');
    add(`l${l}.ff2.w`, [4 * dim, dim], 'normal');
    add(`l${l}.ff2.b`, [dim], 'zeros');
    for (const n of ['attNorm', 'ffNorm']) {
      add(`l${l}.${n}.gamma`, [dim], 'ones');
      add(`l${l}.${n}.beta`, [dim], 'zeros');
    }
  }
}
