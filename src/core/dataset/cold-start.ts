import { itemsPresent, type TemporalSplit } from './split.js';
import { type EvalCases, sessionCount } from './types.js';

/**
 * The cold-start split: the paper's test sessions (the newest 20%, see `temporalSplit`), but
 * the cases are the sessions whose withheld last item never occurs in the training sessions
 * (the paper's protocol removes such items, so it never asks for them). The prompt is the
 * session as the shopper made it, all items but the last, untrained items included: nothing
 * is filtered, so a model that knows the catalog (its titles) can still place them.
 */
export interface ColdStartStats {
  /** Test sessions as split, before anything is removed. */
  readonly testSessions: number;
  /** Test interactions whose item never occurs in train (the paper's protocol removes these). */
  readonly untrainedTestInteractions: number;
  /** Test sessions whose last item is untrained and that have at least one prompt item. */
  readonly cases: number;
  /** Test sessions whose last item is untrained but that have no other item (no prompt). */
  readonly singleItemSessions: number;
  /** Cases whose prompt holds at least one untrained item. */
  readonly casesWithUntrainedPromptItems: number;
}

export interface ColdStartSplit {
  readonly cases: EvalCases;
  readonly stats: ColdStartStats;
}

export function coldStartCases(split: Pick<TemporalSplit, 'train' | 'testSessions'>, nItems: number): ColdStartSplit {
  const trained = itemsPresent(split.train, nItems);
  const held = split.testSessions;
  const n = sessionCount(held);
  const ids: number[] = [];
  const offsets: number[] = [0];
  const promptItems: number[] = [];
  const targets: number[] = [];
  let untrained = 0;
  let single = 0;
  let withUntrainedPrompt = 0;
  for (let i = 0; i < n; i++) {
    const a = held.offsets[i];
    const b = held.offsets[i + 1];
    for (let p = a; p < b; p++) if (!trained[held.items[p]]) untrained++;
    if (b - a === 0) continue;
    const last = held.items[b - 1];
    if (trained[last]) continue;
    if (b - a < 2) {
      single++;
      continue;
    }
    let anyUntrained = false;
    for (let p = a; p < b - 1; p++) {
      promptItems.push(held.items[p]);
      if (!trained[held.items[p]]) anyUntrained = true;
    }
    if (anyUntrained) withUntrainedPrompt++;
    ids.push(held.ids[i]);
    offsets.push(promptItems.length);
    targets.push(last);
  }
  return {
    cases: {
      sessionIds: Int32Array.from(ids),
      promptOffsets: Int32Array.from(offsets),
      promptItems: Int32Array.from(promptItems),
      targets: Int32Array.from(targets),
    },
    stats: {
      testSessions: n,
      untrainedTestInteractions: untrained,
      cases: targets.length,
      singleItemSessions: single,
      casesWithUntrainedPromptItems: withUntrainedPrompt,
    },
  };
}

export function describeColdStart(s: ColdStartStats): string {
  return (
    `test sessions whose withheld last item never occurs in train: ${s.cases} cases from ${s.testSessions} test sessions ` +
    `(${s.untrainedTestInteractions} untrained test interactions; ${s.singleItemSessions} single-item sessions skipped; ` +
    `${s.casesWithUntrainedPromptItems} prompts hold untrained items, kept)`
  );
}
