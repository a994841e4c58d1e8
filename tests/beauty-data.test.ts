import { describe, expect, it } from 'vitest';
import { sessionItems } from '../src/core/dataset/types.js';
import { makeProtocol } from '../src/evaluation/protocol.js';
import { loadDataset } from '../src/node/dataset-files.js';

describe('the bundled Amazon Beauty 5-core data (paper counts)', () => {
  const ds = loadDataset('beauty');
  const p = makeProtocol(ds);

  it('has the paper\'s 22,363 sessions, 12,101 items and 198,502 interactions', () => {
    expect(ds.sessions.ids.length).toBe(22363);
    expect(ds.catalog.ids.length).toBe(12101);
    expect(ds.sessions.items.length).toBe(198502);
    expect(p.popularity.distinctItems).toBe(12101);
  });

  it('splits off the newest ceil(0.2 * 22,363) = 4,473 sessions as test', () => {
    expect(p.split.stats.trainSessions).toBe(17890);
    expect(p.split.stats.testSessions).toBe(4473);
    expect(p.split.stats.testCases).toBe(p.split.test.targets.length);
    expect(p.split.stats.testCases + p.split.stats.droppedTestSessions).toBe(4473);
    expect(p.folds.map((f) => f.stats.trainSessions)).toEqual([4473, 8946, 13418]);
  });

  it('keeps the first session in the order of the files (time, then ASIN)', () => {
    const first = Array.from(sessionItems(ds.sessions, 0), (i) => ds.catalog.ids[i]);
    expect(first.slice(0, 4)).toEqual([5788, 12093, 3703, 4216]);
  });
});
