import { describe, expect, it } from 'vitest';
import { parseDataset } from '../src/core/dataset/load.js';
import { sessionsOf } from './helpers.js';
import { arraySplitSizes, chainFolds, sessionsByLastTime, temporalSplit } from '../src/core/dataset/split.js';
import { prompt, sessionItems } from '../src/core/dataset/types.js';

const ITEMS = `item_id,asin,title
10,B,ten
11,A,eleven
12,C,twelve
13,D,thirteen
14,E,fourteen
`;
// Rows deliberately out of order; ties in time inside sessions 5, 4 and 1, and a tie in
// last time between sessions 3 and 4.
const INTERACTIONS = `session_id,item_id,timestamp
6,10,530
1,14,300
5,10,100
3,12,50
5,11,100
3,10,200
4,12,200
4,11,200
1,10,300
2,13,250
2,14,400
6,11,500
6,13,510
6,12,520
`;

const ds = parseDataset('tiny', { text: ITEMS, file: 'items.csv' }, { text: INTERACTIONS, file: 'interactions.csv' });
const idOf = (dense: ArrayLike<number>) => Array.from(dense, (i) => ds.catalog.ids[i]);

describe('dataset loading', () => {
  it('orders items in a session by time, ties by ASIN', () => {
    const s = ds.sessions;
    expect(Array.from(s.ids)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(idOf(sessionItems(s, 4))).toEqual([11, 10]); // session 5: same day, ASIN A < B
    expect(idOf(sessionItems(s, 3))).toEqual([11, 12]); // session 4: A < C
    expect(idOf(sessionItems(s, 0))).toEqual([10, 14]); // session 1: B < E
    expect(idOf(sessionItems(s, 5))).toEqual([11, 13, 12, 10]);
  });

  it('orders sessions by last timestamp, ties by session id', () => {
    expect(Array.from(sessionsByLastTime(ds.sessions), (i) => ds.sessions.ids[i])).toEqual([5, 3, 4, 1, 2, 6]);
    // Already in order (ties by id included), and one id out of order among equal times.
    const inOrder = sessionsOf([[1], [2], [3], [4]], [10, 20, 20, 30]);
    expect(Array.from(sessionsByLastTime(inOrder))).toEqual([0, 1, 2, 3]);
    const swapped = { ...inOrder, ids: Int32Array.from([0, 2, 1, 3]) };
    expect(Array.from(sessionsByLastTime(swapped))).toEqual([0, 2, 1, 3]);
  });
});

describe('temporal split (paper protocol)', () => {
  const split = temporalSplit(ds.sessions, 5, 0.4); // ceil(0.4 * 6) = 3 test sessions

  it('puts the newest ceil(f * n) sessions in test', () => {
    expect(Array.from(split.train.ids)).toEqual([5, 3, 4]);
    expect(Array.from(split.testSessions.ids)).toEqual([1, 2, 6]);
  });

  it('removes untrained items, drops sessions left with < 2 items, withholds the last item', () => {
    // train items: 10, 11, 12. Session 1 -> [10] dropped; 2 -> [] dropped; 6 -> [11, 12, 10].
    expect(split.stats).toEqual({
      trainSessions: 3,
      testSessions: 3,
      testCases: 1,
      droppedTestSessions: 2,
      removedTestInteractions: 4,
    });
    expect(Array.from(split.test.sessionIds)).toEqual([6]);
    expect(idOf(prompt(split.test, 0))).toEqual([11, 12]);
    expect(idOf(split.test.targets)).toEqual([10]);
  });

  it('rounds the test count up', () => {
    expect(temporalSplit(ds.sessions, 5, 0.2).stats.testSessions).toBe(2); // ceil(1.2)
  });
});

describe('forward-chaining validation folds', () => {
  it('splits like numpy.array_split', () => {
    expect(arraySplitSizes(10, 4)).toEqual([3, 3, 2, 2]);
    expect(arraySplitSizes(17890, 4)).toEqual([4473, 4473, 4472, 4472]);
  });

  it('trains on bins 1..f and validates on bin f+1 with the same filtering', () => {
    const folds = chainFolds(ds.sessions, 5, 2); // bins [5,3] [4,1] [2,6]
    expect(Array.from(folds[0].train.ids)).toEqual([5, 3]);
    expect(Array.from(folds[0].validation.sessionIds)).toEqual([4]); // session 1 -> [10] after removing 14
    expect(idOf(prompt(folds[0].validation, 0))).toEqual([11]);
    expect(idOf(folds[0].validation.targets)).toEqual([12]);
    expect(Array.from(folds[1].train.ids)).toEqual([5, 3, 4, 1]);
    expect(Array.from(folds[1].validation.sessionIds)).toEqual([6]); // session 2 -> [14] dropped
    expect(idOf(prompt(folds[1].validation, 0))).toEqual([11, 12]);
    expect(folds[1].stats.droppedTestSessions).toBe(1);
  });
});
