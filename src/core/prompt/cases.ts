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

/** Cases from whole sessions: all items but the last are the prompt, the last the target (the prompt-data validation pairs). */
export function lastItemCases(sessions: readonly Int32Array[]): EvalCases {
  const kept = sessions.filter((s) => s.length >= 2);
  const promptOffsets = new Int32Array(kept.length + 1);
  kept.forEach((s, i) => (promptOffsets[i + 1] = promptOffsets[i] + s.length - 1));
  const promptItems = new Int32Array(promptOffsets[kept.length]);
  const targets = new Int32Array(kept.length);
  kept.forEach((s, i) => {
    promptItems.set(s.subarray(0, s.length - 1), promptOffsets[i]);
    targets[i] = s[s.length - 1];
  });
  return { sessionIds: Int32Array.from(kept, (_, i) => i), promptOffsets, promptItems, targets };
}
