import { mulberry32 } from '../vectors/random.js';
import { makeEvalCases, subsetSessions } from './split.js';
import type { EvalCases, SessionSet } from './types.js';

/**
 * The inner validation split the sequential models' training uses (10% of the training
 * sessions with at least 2 items, at most `valMax`, chosen by a seeded shuffle): those sessions
 * are never trained on, so a model built on a trained model can be tuned on them.
 */
export interface InnerSplitConfig {
  readonly valFraction: number;
  readonly valMax: number;
  readonly seed: number;
}

/** Session indices of `train` in the inner validation set and in the fitted rest. */
export function innerSplitIndices(train: SessionSet, cfg: InnerSplitConfig): { val: number[]; fit: number[] } {
  const all: number[] = [];
  for (let s = 0; s + 1 < train.offsets.length; s++) if (train.offsets[s + 1] - train.offsets[s] >= 2) all.push(s);
  const rand = mulberry32(cfg.seed ^ 0x5eed);
  const order = all.map((_, i) => i);
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [order[i], order[j]] = [order[j], order[i]];
  }
  const nVal = Math.min(cfg.valMax, Math.floor(all.length * cfg.valFraction));
  return { val: order.slice(0, nVal).map((i) => all[i]), fit: order.slice(nVal).map((i) => all[i]) };
}

/** The fitted sessions and the validation cases (prompt = all but the last item, target = the last). */
export function innerSplit(train: SessionSet, cfg: InnerSplitConfig): { train: SessionSet; cases: EvalCases } {
  const { val, fit } = innerSplitIndices(train, cfg);
  const nItems = train.items.reduce((m, x) => Math.max(m, x + 1), 0);
  const everyItem = new Uint8Array(nItems).fill(1);
  return { train: subsetSessions(train, fit), cases: makeEvalCases(subsetSessions(train, val), everyItem).cases };
}
