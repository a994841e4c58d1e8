import type { EvalCases } from '../dataset/types.js';

/** The first n cases (for a quick evaluation of a slow generative model). */
export function subsetCases(c: EvalCases, n: number): EvalCases {
  const m = Math.min(n, c.targets.length);
  return {
    sessionIds: c.sessionIds.slice(0, m),
    promptOffsets: c.promptOffsets.slice(0, m + 1),
    promptItems: c.promptItems.slice(0, c.promptOffsets[m]),
    targets: c.targets.slice(0, m),
  };
}
