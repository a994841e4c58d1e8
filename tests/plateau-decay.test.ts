import { describe, expect, it } from 'vitest';
import { currentLr, type EpochLog, plateauAction } from '../src/neural/train.js';

/** Learning-rate decay on plateau: the decisions a training run takes after each epoch. */
const cfg = { lr: 1e-3, patience: 2, plateauDecay: { factor: 0.1, times: 2 } };

/** Replays validation values through the rule as the training loop does, returning the actions. */
function replay(vals: number[], c = cfg): { actions: string[]; lrs: number[] } {
  const history: EpochLog[] = [];
  let best = -1;
  let bestEpoch = 0;
  const actions: string[] = [];
  const lrs: number[] = [];
  for (const [i, v] of vals.entries()) {
    lrs.push(currentLr(history, c));
    history.push({ epoch: i + 1, loss: 0, valNdcg20: v, seconds: 0 });
    if (v > best) [best, bestEpoch] = [v, i + 1];
    const a = plateauAction(history, bestEpoch, c);
    if (a === 'decay') history[history.length - 1].decayed = true;
    actions.push(a);
    if (a === 'stop') break;
  }
  return { actions, lrs };
}

describe('plateau decay', () => {
  it('decays at the first epoch that does not improve, then stops after patience with no decays left', () => {
    const r = replay([0.05, 0.06, 0.048, 0.065, 0.066, 0.064, 0.0655, 0.063, 0.062]);
    expect(r.actions).toEqual(['continue', 'continue', 'decay', 'continue', 'continue', 'decay', 'continue', 'stop']);
    expect(r.lrs.map((x) => Number(x.toPrecision(2)))).toEqual([1e-3, 1e-3, 1e-3, 1e-4, 1e-4, 1e-4, 1e-5, 1e-5]);
  });

  it('without decays it is plain early stopping with patience', () => {
    const r = replay([0.05, 0.06, 0.058, 0.059, 0.07], { ...cfg, plateauDecay: { factor: 0.1, times: 0 } });
    expect(r.actions).toEqual(['continue', 'continue', 'continue', 'stop']);
  });

  it('after a decay that does not help, stops once patience has passed since the decay', () => {
    const r = replay([0.06, 0.05, 0.055, 0.056], { ...cfg, plateauDecay: { factor: 0.1, times: 1 } });
    expect(r.actions).toEqual(['continue', 'decay', 'continue', 'stop']);
  });

  it('with `after`, rides out shorter dips and decays only where patience would have stopped the run', () => {
    // Epoch 9 is the third without a gain: decay to 1e-4; epoch 10 improves, 13 is again the third without one.
    const c = { ...cfg, patience: 3, plateauDecay: { factor: 0.1, times: 2, after: 3 } };
    // A noisy rising curve (GRU4Rec's): dips of one or two epochs do not decay the rate.
    const r = replay([0.02, 0.019, 0.025, 0.024, 0.023, 0.03, 0.029, 0.028, 0.027, 0.031, 0.03, 0.029, 0.028], c);
    expect(r.actions).toEqual(['continue', 'continue', 'continue', 'continue', 'continue', 'continue', 'continue', 'continue', 'decay', 'continue', 'continue', 'continue', 'decay']);
    expect(r.lrs.map((x) => Number(x.toPrecision(2)))).toEqual([1e-3, 1e-3, 1e-3, 1e-3, 1e-3, 1e-3, 1e-3, 1e-3, 1e-3, 1e-4, 1e-4, 1e-4, 1e-4]);
  });
});
