import { describe, expect, it } from 'vitest';
import { parseCatalog } from '../src/core/dataset/load.js';
import { InputError } from '../src/core/errors.js';
import { evaluateLists, popularityStats } from '../src/core/metrics/metrics.js';
import { parseRecsFile } from '../src/evaluation/recs-file.js';

const { catalog } = parseCatalog('item_id,title\n100,a\n101,b\n102,c\n103,d\n', 'items.csv');
// Three test cases: sessions 7, 8, 9 with targets (dense) 1, 2, 3.
const cases = {
  sessionIds: Int32Array.from([7, 8, 9]),
  promptOffsets: Int32Array.from([0, 1, 2, 3]),
  promptItems: Int32Array.from([0, 0, 0]),
  targets: Int32Array.from([1, 2, 3]),
};

describe('external recommendation files', () => {
  it('maps dataset ids, cuts to k, counts missing and ignored sessions', () => {
    const text = JSON.stringify({ 7: [101, 102, 103], 9: [100], 55: [100] });
    const r = parseRecsFile(text, 'recs.json', catalog, cases, 2);
    expect(Array.from(r.lists.items)).toEqual([1, 2, -1, -1, 0, -1]);
    expect(r.missingSessions).toBe(1);
    expect(r.ignoredSessions).toBe(1);
    // scored as given: session 7 hits at rank 1, session 8 (missing) and 9 score 0 but count
    const m = evaluateLists(r.lists, cases.targets, 2, popularityStats(Int32Array.from([0, 1, 2, 3]), 4));
    expect(m['HitRate@2']).toBeCloseTo(1 / 3, 12);
    expect(m['NDCG@2']).toBeCloseTo(1 / 3, 12);
  });

  it('does not filter prompt items out of given lists', () => {
    const r = parseRecsFile('{"7": [100, 101]}', 'recs.json', catalog, cases, 2);
    expect(Array.from(r.lists.items.subarray(0, 2))).toEqual([0, 1]);
  });

  const bad: [string, string, RegExp][] = [
    ['not json, with line and column', '{"7": [100,', /^recs\.json:1:12: not valid JSON: a value was expected$/],
    ['an array', '[1, 2]', /^recs\.json:1: must be a JSON object/],
    ['an unknown item id, with its line', '{\n  "7": [100],\n  "8": [100, 999]\n}', /^recs\.json:3: session "8": unknown item id 999 \(item 2 of the list/],
    ['a non-integer item', '{"7": [1.5]}', /session "7": item 1 of the list \(1\.5\) is not an integer item id/],
    ['a non-list value', '{"7": 100}', /session "7": the value must be an array of item ids/],
    ['a non-integer session id', '{"abc": [100]}', /session "abc": session ids must be integers/],
    ['a repeated item', '{"7": [100, 100]}', /session "7": item id 100 appears twice in the list/],
  ];
  for (const [what, text, re] of bad) {
    it(`rejects ${what}`, () => {
      let caught: unknown;
      try {
        parseRecsFile(text, 'recs.json', catalog, cases, 2);
      } catch (e) {
        caught = e;
      }
      expect(caught).toBeInstanceOf(InputError);
      expect((caught as Error).message).toMatch(re);
    });
  }
});
