import { describe, expect, it } from 'vitest';
import { arraySplitSizes } from '../src/core/dataset/split.js';
import { importCsvDataset, importRecBoleDataset } from '../src/core/dataset/import-source.js';
import { parseDataset } from '../src/core/dataset/load.js';
import { sessionItems } from '../src/core/dataset/types.js';
import { InputError } from '../src/core/errors.js';
import { makeProtocol } from '../src/evaluation/protocol.js';

function err(fn: () => unknown): InputError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    return e as InputError;
  }
  throw new Error('expected an InputError');
}

/** Loads an import the way every command does (data/<name>/items.csv + interactions.csv). */
function load(r: { itemsCsv: string; interactionsCsv: string }) {
  return parseDataset('t', { text: r.itemsCsv, file: 'items.csv' }, { text: r.interactionsCsv, file: 'interactions.csv' });
}

// RecBole atomic files: tab-separated, typed header, string tokens, a timestamp.
const ITEM = [
  'item_id:token\tbrand:token\tmovie_title:token_seq\tprice:float',
  'A1\tAcme\tRocket &amp; Skates &#9733;\t9.5',
  'B2\tAcme\tBird   Seed\t2',
  'C3\tZen\tAnvil "heavy"\t30',
  'D4\tZen\tPaint\t1',
].join('\n');
// 5 users; user u5's last interaction is the newest, u4's the next: the temporal split's test.
const INTER = [
  'user_id:token\titem_id:token\trating:float\ttimestamp:float',
  'u1\tA1\t5\t100',
  'u1\tB2\t4\t110',
  'u2\tC3\t5\t120',
  'u2\tA1\t5\t130',
  'u3\tB2\t5\t140',
  'u3\tC3\t3\t150',
  'u5\tD4\t5\t500',
  'u5\tA1\t5\t490',
  'u4\tB2\t5\t300',
  'u4\tA1\t5\t310',
].join('\n');

describe('bring your own data: RecBole atomic files', () => {
  it('imports typed tab-separated files: title field by name, string ids renumbered, titles cleaned, the temporal split', () => {
    const r = importRecBoleDataset({ text: ITEM, file: 'toy.item' }, { text: INTER, file: 'toy.inter' });
    expect(r.titleField).toBe('movie_title');
    expect(r.order).toBe('timestamp');
    expect(r.renumbered).toEqual({ items: true, sessions: true });
    expect(r.extraFields).toEqual(['brand', 'price']);
    const d = load(r);
    expect(d.order).toBe('timestamp');
    expect(d.catalog.titles).toEqual(['Rocket & Skates ★', 'Bird Seed', 'Anvil "heavy"', 'Paint']);
    // u5's items are ordered by timestamp (A1 at 490 before D4 at 500), not by row.
    // Sessions are numbered by first appearance: u1 0, u2 1, u3 2, u5 3, u4 4.
    expect(Array.from(sessionItems(d.sessions, d.sessions.ids.indexOf(3)))).toEqual([0, 3]);
    const p = makeProtocol(d);
    expect(p.splitDescription).toMatch(/^temporal split/);
    // ceil(0.2 * 5) = 1 test session: the one with the newest last timestamp (u5, id 3).
    expect(Array.from(p.split.testSessions.ids)).toEqual([3]);
  });

  it('uses --title-field when given, session_id over user_id, and row order without a timestamp', () => {
    const inter = ['session_id:token\tuser_id:token\titem_id:token', 's1\tu\tC3', 's1\tu\tA1', 's2\tu\tB2', 's2\tu\tD4'].join('\n');
    const r = importRecBoleDataset({ text: ITEM, file: 'toy.item' }, { text: inter, file: 'toy.inter' }, { titleField: 'brand' });
    expect(r.order).toBe('position');
    const d = load(r);
    expect(d.catalog.titles[0]).toBe('Acme');
    expect(d.sessions.ids.length).toBe(2);
    expect(Array.from(sessionItems(d.sessions, 0))).toEqual([2, 0]);
  });

  it('reports bad rows and headers with the file and line', () => {
    const item = { text: ITEM, file: 'toy.item' };
    expect(err(() => importRecBoleDataset(item, { text: `${INTER}\nu9\tZZ\t1\t5`, file: 'toy.inter' })).message).toBe(
      'toy.inter:12: unknown item_id "ZZ" (not in the items file)',
    );
    expect(err(() => importRecBoleDataset(item, { text: `${INTER}\nu9\tA1\t1\tsoon`, file: 'toy.inter' })).message).toBe(
      'toy.inter:12: "timestamp" must be a decimal number, got "soon"',
    );
    expect(err(() => importRecBoleDataset({ text: `${ITEM}\nB2\tX\tdup\t1`, file: 'toy.item' }, { text: INTER, file: 'toy.inter' })).message).toBe(
      'toy.item:6: duplicate item_id "B2" (first seen on line 3)',
    );
    expect(err(() => importRecBoleDataset({ text: 'item_id\ttitle\nA\tx', file: 'toy.item' }, { text: INTER, file: 'toy.inter' })).message).toMatch(
      /^toy\.item:1: header field "item_id" has no type/,
    );
    expect(err(() => importRecBoleDataset(item, { text: INTER, file: 'toy.inter' }, { titleField: 'name' })).message).toMatch(
      /^toy\.item:1: no field "name" for --title-field/,
    );
  });
});

// CSV without timestamps: 10 sessions of integer ids, a position column, rows shuffled.
function csvNoTimestamps(): { items: string; interactions: string } {
  const items = ['item_id,title,category', ...Array.from({ length: 8 }, (_, i) => `${10 + i},"Game ${i}, deluxe &amp; more",cat${i % 2}`)].join('\n');
  const rows: string[] = [];
  for (let s = 0; s < 10; s++) {
    // Session s: items 10+(s%8), 10+((s+1)%8), 10+((s+2)%8), written last position first.
    for (let pos = 2; pos >= 0; pos--) rows.push(`${100 + s},${10 + ((s + pos) % 8)},${pos}`);
  }
  return { items, interactions: ['session_id,item_id,position', ...rows].join('\n') };
}

describe('bring your own data: CSV without timestamps', () => {
  it('keeps sessions in position order and tests on a seeded random 20% of sessions; folds follow the same rule', () => {
    const src = csvNoTimestamps();
    const r = importCsvDataset({ text: src.items, file: 'items.csv' }, { text: src.interactions, file: 'interactions.csv' });
    expect(r.order).toBe('position');
    expect(r.renumbered).toEqual({ items: false, sessions: false });
    expect(r.extraFields).toEqual(['category']);
    const d = load(r);
    expect(d.catalog.titles[0]).toBe('Game 0, deluxe & more');
    expect(Array.from(d.catalog.ids.slice(0, 2))).toEqual([10, 11]);
    // Session 103 = items 13, 14, 15 in position order (the rows were written in reverse).
    const s103 = d.sessions.ids.indexOf(103);
    expect(Array.from(sessionItems(d.sessions, s103), (i) => d.catalog.ids[i])).toEqual([13, 14, 15]);

    const p = makeProtocol(d);
    expect(p.splitRule.kind).toBe('position');
    expect(p.splitDescription).toMatch(/seeded random 20% of sessions/);
    // ceil(0.2 * 10) = 2 test sessions, the same ones on every run (seeded).
    expect(p.split.stats.trainSessions).toBe(8);
    expect(p.split.stats.testSessions).toBe(2);
    const testIds = Array.from(p.split.testSessions.ids).sort();
    expect(Array.from(makeProtocol(load(r)).split.testSessions.ids).sort()).toEqual(testIds);
    // A test case withholds the session's last item by position.
    const c = Array.from(p.split.test.sessionIds).indexOf(testIds[0]);
    const s = testIds[0] - 100;
    expect(d.catalog.ids[p.split.test.targets[c]]).toBe(10 + ((s + 2) % 8));
    // Folds: the 8 train sessions in a seeded random order, cut into 4 bins, forward-chained.
    const sizes = arraySplitSizes(8, 4);
    expect(p.folds.map((f) => f.stats.testSessions)).toEqual(sizes.slice(1));
    expect(p.folds.map((f) => f.stats.trainSessions)).toEqual([2, 4, 6]);
    const held = new Set<number>();
    for (const f of p.folds) for (const id of f.validation.sessionIds) held.add(id);
    for (const id of testIds) expect(held.has(id)).toBe(false);
  });

  it('a different seed picks a different random 20% (the split is random, not the last sessions by id)', () => {
    const src = csvNoTimestamps();
    const d = load(importCsvDataset({ text: src.items, file: 'items.csv' }, { text: src.interactions, file: 'interactions.csv' }));
    const picks = new Set<string>();
    for (const seed of [1, 2, 3, 4, 5]) {
      picks.add(Array.from(makeProtocol(d, { splitSeed: seed }).split.testSessions.ids).sort().join(','));
    }
    expect(picks.size).toBeGreaterThan(1);
  });

  it('reports bad rows with the file and line', () => {
    const src = csvNoTimestamps();
    const items = { text: src.items, file: 'items.csv' };
    expect(err(() => importCsvDataset(items, { text: `${src.interactions}\n200,99,0`, file: 'interactions.csv' })).message).toBe(
      'interactions.csv:32: unknown item_id "99" (not in the items file)',
    );
    expect(err(() => importCsvDataset(items, { text: `${src.interactions}\n200,10,`, file: 'interactions.csv' })).message).toBe(
      'interactions.csv:32: "position" must be a number, got an empty value',
    );
    expect(err(() => importCsvDataset(items, { text: 'session_id,item_id\n1,10', file: 'interactions.csv' })).message).toBe(
      'interactions.csv:1: missing column "timestamp" or "position" (header has: session_id, item_id)',
    );
    expect(err(() => importCsvDataset({ text: 'item_id,title\n10,a\n,b', file: 'items.csv' }, { text: src.interactions, file: 'interactions.csv' })).message).toBe(
      'items.csv:3: empty item_id',
    );
  });
});
