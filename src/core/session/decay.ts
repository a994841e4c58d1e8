/**
 * Position weights for a session's items (dh-r `decay_utils.compute_decay_array`): the last
 * item has weight 1; the item i positions from the end (i = 1 for the last) gets:
 *   none 1 · constant_linear max(1e-5, 1 - 0.1(i-1)) · scaling_linear max(1e-5, 1 - (i-1)/L)
 *   scaling_quadratic scaling_linear² · log 1/(ln i + 1) · harmonic 1/i · squared_harmonic 1/i²
 * SKNN's older names map onto these: linear = constant_linear, quadratic = squared_harmonic.
 */
export const DECAYS = [
  'none',
  'constant_linear',
  'scaling_linear',
  'scaling_quadratic',
  'log',
  'harmonic',
  'squared_harmonic',
] as const;
export type Decay = (typeof DECAYS)[number];

export function isDecay(x: unknown): x is Decay {
  return typeof x === 'string' && (DECAYS as readonly string[]).includes(x);
}

/** Weight of the item `fromEnd` positions from the end (1 = last) of a session of length `length`. */
export function decayWeight(decay: Decay, fromEnd: number, length: number): number {
  const i = fromEnd;
  switch (decay) {
    case 'none':
      return 1;
    case 'constant_linear':
      return Math.max(0.00001, 1 - (i - 1) * 0.1);
    case 'scaling_linear':
      return Math.max(0.00001, 1 - (i - 1) / length);
    case 'scaling_quadratic': {
      const w = Math.max(0.00001, 1 - (i - 1) / length);
      return w * w;
    }
    case 'log':
      return 1 / (Math.log(i) + 1);
    case 'harmonic':
      return 1 / i;
    case 'squared_harmonic':
      return 1 / (i * i);
  }
}

/** Weights for every position 0..length-1 of a session (index 0 = oldest). */
export function decayWeights(decay: Decay, length: number): Float64Array {
  const w = new Float64Array(length);
  for (let p = 0; p < length; p++) w[p] = decayWeight(decay, length - p, length);
  return w;
}
