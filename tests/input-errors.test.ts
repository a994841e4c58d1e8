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
    expect(e.message).toContain('"session_id" must be an integer written plainly, got "x7"');
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
    expect(e.message).toBe('interactions.csv:2: "timestamp" must be a decimal number, got "yesterday"');
  });

  it('reports malformed CSV with a line', () => {
    const e = err(() => parseCatalog('item_id,title\n1,"unterminated\n', 'items.csv'));
    expect(e.message).toMatch(/^items\.csv(:\d+)?: malformed CSV/);
  });

  it('keeps line numbers right with CRLF inside quoted fields and after blank lines', () => {
    const items = 'item_id,title\r\n1,"two\r\nlines"\r\n\r\n2,b\r\n3,"x\r\ny\r\nz"\r\n1,dup\r\n';
    expect(err(() => parseCatalog(items, 'items.csv')).message).toBe('items.csv:9: duplicate item_id 1 (first seen on line 2)');
    const e = err(() => load('item_id,title\n1,a\n\n\n2,b\n', 'session_id,item_id,timestamp\r\n1,1,5\r\n\r\n1,7,6\r\n'));
    expect(e.message).toBe('interactions.csv:4: unknown item_id 7 (not in the items file)');
  });

  it('names the line where an unterminated quote opens, not the end of the file', () => {
    for (const eol of ['\n', '\r\n']) {
      const text = ['item_id,title', '1,a', '2,"never closed', '3,c', '4,d', ''].join(eol);
      expect(err(() => parseCatalog(text, 'items.csv')).message).toBe(
        'items.csv:3: malformed CSV in the record starting on this line: a quoted field is never closed (a missing closing quote)',
      );
    }
    expect(err(() => parseCatalog('item_id,title\n1,a\n2,"a"b\n', 'items.csv')).line).toBe(3);
  });

  it('rejects a column repeated in the header', () => {
    expect(err(() => parseCatalog('item_id,title,title\n1,a,b\n', 'items.csv')).message).toBe(
      'items.csv:1: column "title" appears twice in the header (columns 2 and 3): which one holds the data is ambiguous',
    );
  });

  it('rejects a duplicate interaction row with both lines', () => {
    const e = err(() => load(ITEMS, 'session_id,item_id,timestamp\n1,1,5\n1,2,6\n1,1,5\n'));
    expect(e.message).toBe('interactions.csv:4: duplicate interaction: session 1, item_id 1, timestamp 5 (also on line 2)');
  });

  it('refuses numbers in forms nobody writes on purpose', () => {
    const cases: [string, string][] = [
      [' 1', 'spaces around it'],
      ['01', 'leading zeros'],
      ['+1', 'a plus sign'],
      ['1.0', 'not a plain integer'],
      ['1e0', 'not a plain integer'],
      ['0x1', 'not a plain integer'],
    ];
    for (const [id, why] of cases) {
      const e = err(() => load(ITEMS, `session_id,item_id,timestamp\n1,${id},5\n`));
      expect(e.message, id).toBe(`interactions.csv:2: "item_id" must be an integer written plainly, got "${id}" (${why})`);
    }
    for (const t of ['0x1F', '1e3', ' 12', 'Infinity']) {
      expect(err(() => load(ITEMS, `session_id,item_id,timestamp\n1,1,${t}\n`)).message, t).toContain('"timestamp" must be a decimal number');
    }
    expect(load(ITEMS, 'session_id,item_id,timestamp\n1,1,5.5\n1,2,6\n').sessions.times[0]).toBe(5.5);
  });

  it('escapes control characters from the file in messages', () => {
    const e = err(() => load(ITEMS, 'session_id,item_id,timestamp\n1,\u001b[2J\u001b]0;pwned\u0007,5\n'));
    // eslint-disable-next-line no-control-regex -- the point: no raw control character is left in the message
    expect(e.message).not.toMatch(/[\u0000-\u001f\u007f]/);
    expect(e.message).toContain('\\u001b[2J');
    expect(new InputError('a\u001bb.csv', 'x\ry').message).toBe('a\\u001bb.csv: x\\u000dy');
  });
});

describe('UTF-8 in data files', () => {
  it('refuses invalid UTF-8 with the line of the first bad byte', async () => {
    const { decodeUtf8 } = await import('../src/node/json-file.js');
    const bytes = new Uint8Array([...new TextEncoder().encode('item_id,title\n1,ok\n2,caf'), 0xe9, ...new TextEncoder().encode('\n')]);
    expect(err(() => decodeUtf8(bytes, 'items.csv')).message).toBe('items.csv:3: is not valid UTF-8 text (save it as UTF-8)');
    expect(decodeUtf8(new TextEncoder().encode('\ufeffitem_id,title\n1,café\n'), 'items.csv')).toContain('café');
  });
});


describe('the catalog artifact', () => {
  it('names the file and the entry that is wrong', async () => {
    const { parseCatalogFile } = await import('../src/core/artifacts/manifest.js');
    expect(parseCatalogFile('{"dataset":"d","ids":[1,2],"titles":["a","b"]}', 'catalog.json')).toEqual({ dataset: 'd', ids: [1, 2], titles: ['a', 'b'] });
    expect(() => parseCatalogFile('{"dataset":"d","ids":[1,2],"titles":["a",3]}', 'catalog.json')).toThrow('catalog.json: does not match the expected format: titles[1] must be a string');
    expect(() => parseCatalogFile('{"dataset":"d","ids":[1,2.5],"titles":["a","b"]}', 'catalog.json')).toThrow(/ids\[1\] must be an integer/);
    expect(() => parseCatalogFile('{"dataset":"d","ids":[1],"titles":["a","b"]}', 'catalog.json')).toThrow(/same length/);
    expect(() => parseCatalogFile('{"dataset":"d",', 'catalog.json')).toThrow(/catalog\.json/);
  });
});
