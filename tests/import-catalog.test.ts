import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseImportedCatalog } from '../src/core/dataset/import.js';
import { ROOT } from '../src/node/paths.js';

describe('importing a catalog CSV', () => {
  it('reads id and title, ignores other columns, reports incomplete rows by line', () => {
    const csv = 'item_id,title,genres\n1,Fallout 4,RPG\n2,,Indie\n3\n,"Portal, 2",Puzzle\n4,"Half-Life ""2""",Shooter\n';
    const c = parseImportedCatalog(csv, 'games.csv');
    expect(c.ids).toEqual(['1', '4']);
    expect(c.titles).toEqual(['Fallout 4', 'Half-Life "2"']);
    expect(c.skipped).toEqual([
      { line: 3, reason: 'empty title' },
      { line: 4, reason: 'only 1 field (no title)' },
      { line: 5, reason: 'empty item_id' },
    ]);
  });

  it('accepts "id" as the id column and any text ids', () => {
    expect(parseImportedCatalog('id,title\nB00X,Lip balm\n', 'c.csv').ids).toEqual(['B00X']);
  });

  it('rejects structural problems with the file and line', () => {
    expect(() => parseImportedCatalog('item_id,name\n1,a\n', 'c.csv')).toThrow('c.csv:1: missing column "title" (header has: item_id, name)');
    expect(() => parseImportedCatalog('id,title\n1,a\n2,b\n1,c\n', 'c.csv')).toThrow('c.csv:4: duplicate id "1" (first on line 2)');
    expect(() => parseImportedCatalog('', 'c.csv')).toThrow('c.csv:1: the file is empty');
    expect(() => parseImportedCatalog('id,title\n1,\n', 'c.csv')).toThrow('c.csv:1: no complete rows to import (1 skipped)');
    expect(() => parseImportedCatalog('x', 'big.csv', 50 * 1024 * 1024)).toThrow('big.csv: is 50.0 MB; catalogs up to 20 MB can be imported');
  });

  it('imports the Steam titles (11,784 games)', () => {
    const text = readFileSync(join(ROOT, 'e2e', 'fixtures', 'steam-items.csv'), 'utf8');
    const c = parseImportedCatalog(text, 'steam-items.csv');
    expect(c.ids.length).toBe(11784);
    expect(c.skipped).toEqual([]);
  });
});
