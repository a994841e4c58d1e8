import { describe, expect, it } from 'vitest';
import { coldStartCases } from '../src/core/dataset/cold-start.js';
import { temporalSplit } from '../src/core/dataset/split.js';
import { prompt } from '../src/core/dataset/types.js';
import { denseMatrix } from '../src/core/vectors/matrix.js';
import { buildModel as fitModel, resolveConfig } from '../src/recommenders/catalogue.js';
import { recommendAll } from '../src/recommenders/types.js';
import { sessionsOf } from './helpers.js';

// Items 0-3 occur in the 3 oldest (train) sessions; items 4 and 5 only in the 3 newest (test).
const sessions = sessionsOf([
  [0, 1],
  [1, 2],
  [2, 3, 0],
  [0, 4], // cold: last item 4 is untrained
  [1, 2], // warm: not a cold-start case
  [5, 1, 4], // cold, and its prompt holds untrained item 5 (kept)
]);
const split = temporalSplit(sessions, 6, 0.5);
const cold = coldStartCases(split, 6);

describe('cold-start split', () => {
  it('keeps the test sessions whose withheld last item never occurs in train, prompts unfiltered', () => {
    expect(Array.from(split.train.ids)).toEqual([0, 1, 2]);
    expect(Array.from(cold.cases.sessionIds)).toEqual([3, 5]);
    expect(Array.from(cold.cases.targets)).toEqual([4, 4]);
    expect(Array.from(prompt(cold.cases, 0))).toEqual([0]);
    expect(Array.from(prompt(cold.cases, 1))).toEqual([5, 1]);
    expect(cold.stats).toEqual({ testSessions: 3, untrainedTestInteractions: 3, cases: 2, singleItemSessions: 0, casesWithUntrainedPromptItems: 1 });
    // The paper's split has none of these targets: it removes untrained items.
    expect(Array.from(split.test.targets)).not.toContain(4);
  });

  it('LLMSeqSim can recommend an item with no training interactions; session kNN cannot', () => {
    // Item 4's title vector lies next to item 0's and item 1's; nothing filters it from the candidates.
    const E = denseMatrix(6, 2, Float32Array.from([1, 0, 0, 1, -1, 0, 0, -1, 0.7, 0.7, -0.7, -0.7]));
    const data = { train: split.train, nItems: 6, embeddings: E };
    const llm = fitModel('llmseqsim', data, resolveConfig('llmseqsim', { aggregation: 'last', similarity: 'dot' }, 'test'));
    const lists = recommendAll(llm, cold.cases, 1);
    expect(Array.from(lists.items)).toEqual([4, 4]);
    const sknn = fitModel('sknn', data, resolveConfig('sknn', {}, 'test'));
    const sk = recommendAll(sknn, cold.cases, 5);
    expect(Array.from(sk.items)).not.toContain(4);
  });
});
