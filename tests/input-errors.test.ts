import { describe, expect, it } from 'vitest';
import { parseCatalog, parseDataset } from '../src/core/dataset/load.js';
import { InputError } from '../src/core/errors.js';

const ITEMS = 'item_id,asin,title\n1,A,"Lip balm, vegan"\n2,B,"Say ""hi"" mascara"\n3,C,\n';

function err(fn: () => unknown): InputError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    return e as InputError;
  }
  throw new Error('expected an InputError');
}

const load = (items: string, inter: string) =>
  parseDataset('t', { text: items, file: 'items.csv' }, { text: inter, file: 'interactions.csv' });

describe('CSV input', () => {
  it('parses quoted titles with commas and quotes; empty titles stay empty strings', () => {
    const { catalog } = parseCatalog(ITEMS, 'items.csv');
    expect(catalog.titles).toEqual(['Lip balm, vegan', 'Say "hi" mascara', '']);
  });

  it('names the file and line for a missing column', () => {
    const e = err(() => load(ITEMS, 'session_id,item,timestamp\n1,1,5\n'));
    expect(e.message).toBe('interactions.csv:1: missing column "item_id" (header has: session_id, item, timestamp)');
  });

  it('names the file and line for a non-numeric id', () => {
    const e = err(() => load(ITEMS, 'session_id,item_id,timestamp\n1,1,5\n1,2,6\nx7,3,8\n'));
    expect(e.file).toBe('interactions.csv');
    expect(e.line).toBe(4);
    expect(e.message).toContain('"session_id" must be an integer, got "x7"');
  });

  it('names the line of an empty session id', () => {
    const e = err(() => load(ITEMS, 'session_id,item_id,timestamp\n1,1,5\n,2,6\n'));
    expect(e.message).toBe('interactions.csv:3: "session_id" must be an integer, got an empty value');
  });

  it('rejects an unknown item id with its line (counting multi-line quoted titles)', () => {
    const items = 'item_id,title\n1,"two\nlines"\n2,b\n';
    const e = err(() => load(items, 'session_id,item_id,timestamp\n1,1,5\n1,99,6\n'));
    expect(e.message).toBe('interactions.csv:3: unknown item_id 99 (not in the items file)');
    const dup = err(() => parseCatalog('item_id,title\n1,a\n2,"b\nc"\n1,d\n', 'items.csv'));
    expect(dup.message).toBe('items.csv:5: duplicate item_id 1 (first seen on line 2)');
  });

  it('rejects empty files and header-only files', () => {
    expect(err(() => parseCatalog('', 'items.csv')).message).toBe('items.csv:1: the file is empty (expected a header line)');
    expect(err(() => load(ITEMS, 'session_id,item_id,timestamp\n')).message).toBe(
      'interactions.csv:1: no interactions (only a header line)',
    );
  });

  it('rejects a non-numeric timestamp', () => {
    const e = err(() => load(ITEMS, 'session_id,item_id,timestamp\n1,1,yesterday\n'));
    expect(e.message).toBe('interactions.csv:2: "timestamp" must be a number, got "yesterday"');
  });

  it('reports malformed CSV with a line', () => {
    const e = err(() => parseCatalog('item_id,title\n1,"unterminated\n', 'items.csv'));
    expect(e.message).toMatch(/^items\.csv(:\d+)?: malformed CSV/);
  });
});
