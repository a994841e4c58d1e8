import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { parseCatalog } from '../src/core/dataset/load.js';
import { InputError } from '../src/core/errors.js';
import { parseJson } from '../src/core/json.js';
import { escapeControl } from '../src/core/text.js';
import { parseRecsFile } from '../src/evaluation/recs-file.js';
import { SeqTrainConfig, SEQ_PRESETS } from '../src/neural/presets.js';
import { resolveConfig } from '../src/recommenders/catalogue.js';
import { ROOT } from '../src/node/paths.js';

function err(fn: () => unknown): InputError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    return e as InputError;
  }
  throw new Error('expected an InputError');
}

describe('JSON inputs', () => {
  it('gives the line and column of a syntax error', () => {
    const e = err(() => parseJson('{\n  "a": 1,\n  "b": [1, 2,]\n}\n', 'cfg.json'));
    expect(e.message).toBe('cfg.json:3:14: not valid JSON: a value was expected');
    expect([e.line, e.column]).toEqual([3, 14]);
    expect(err(() => parseJson('{"a": "x\u0001y"}', 'c.json')).message).toBe('c.json:1:7: not valid JSON: a control character inside a string');
    expect(err(() => parseJson('{"a": "x\ny"}', 'c.json')).message).toBe('c.json:1:7: not valid JSON: unterminated string');
    expect(err(() => parseJson('{"a": 1} trailing', 'c.json')).message).toBe('c.json:1:10: not valid JSON: unexpected character');
    expect(err(() => parseJson('  \n', 'c.json')).message).toBe('c.json:1: is empty (expected JSON)');
  });

  it('accepts a UTF-8 byte-order mark, as for CSV files', () => {
    expect(parseJson('\ufeff{"a": [1]}', 'bom.json')).toEqual({ a: [1] });
  });

  it('refuses absurd nesting with one line naming the file, not a stack overflow', () => {
    const deep = `${'['.repeat(200_000)}${']'.repeat(200_000)}`;
    const e = err(() => parseJson(deep, 'deep.json'));
    expect(e.message).toBe('deep.json:1:65: not valid JSON: nested more than 64 levels deep');
    // Brackets inside strings do not count.
    expect(parseJson(JSON.stringify({ t: '['.repeat(1000) }), 'ok.json')).toEqual({ t: '['.repeat(1000) });
  });

  it('refuses a key repeated in one object, naming both lines', () => {
    const e = err(() => parseJson('{\n  "7": [1],\n  "8": [2],\n  "7": [3]\n}', 'recs.json'));
    expect(e.message).toBe('recs.json:4:3: key "7" appears twice in one object (line 2 and line 4); which one is meant is ambiguous');
    // The same key in different objects is fine.
    expect(parseJson('[{"a": 1}, {"a": 2}, {"b": {"a": 3}, "a": 4}]', 'ok.json')).toHaveLength(3);
    // A key written with escapes is the same key; commas, colons and quotes inside values are not keys.
    expect(err(() => parseJson('{"a": 1, "\\u0061": 2}', 'esc.json')).message).toMatch(/^esc\.json:1:10: key "a" appears twice/);
    expect(parseJson('{"a": "x,\\"a\\": 1", "b": ["a", {"a": 1}], "c": 1}', 'ok.json')).toMatchObject({ c: 1 });
    expect(err(() => parseJson('{"a": "x,\\"a\\": 1", "b": ["a", {"a": 1}], "b": 1}', 'dup.json')).message).toMatch(/^dup\.json:1:43: key "b" appears twice/);
    // A value ending in an escaped backslash ends at its quote; the key after it is seen.
    expect(err(() => parseJson('{"a": "x\\\\", "a": 1}', 'bs.json')).message).toMatch(/^bs\.json:1:14: key "a" appears twice/);
    expect(parseJson('{"a": "x\\\\\\"a", "b": 1}', 'ok2.json')).toEqual({ a: 'x\\"a', b: 1 });
  });
});

describe('recommendation files name each session once', () => {
  const { catalog } = parseCatalog('item_id,title\n100,a\n101,b\n', 'items.csv');
  const cases = { sessionIds: Int32Array.from([7]), promptOffsets: Int32Array.from([0, 1]), promptItems: Int32Array.from([0]), targets: Int32Array.from([1]) };
  it('two keys naming the same session are an error, not a merge', () => {
    expect(err(() => parseRecsFile('{"7": [100], "7": [101]}', 'r.json', catalog, cases, 2)).message).toMatch(/^r\.json:1:14: key "7" appears twice/);
    for (const k of [' 7', '07', '+7']) {
      const e = err(() => parseRecsFile(JSON.stringify({ 7: [100], [k]: [101] }), 'r.json', catalog, cases, 2));
      expect(e.message, k).toContain('session ids must be integers written plainly');
    }
  });
});

describe('config values have sane bounds', () => {
  it('a random-projection width of 1e6 is out of range, not a 12-billion-float allocation', () => {
    expect(() => resolveConfig('llmseqsim', { reduction: { method: 'random', dims: 1_000_000, seed: 1 } }, 'c.json')).toThrow(
      /^c\.json: invalid llmseqsim config: reduction\.dims: .*4096/,
    );
    expect(() => resolveConfig('sknn', { k: 1e9, sampleSize: 1e9 }, 'c.json')).toThrow(/k: .*100000/);
    expect(resolveConfig('llmseqsim', { reduction: { method: 'random', dims: 64, seed: 1 } }, 'c.json')).toMatchObject({ reduction: { dims: 64 } });
  });

  it('sequential-model configs refuse absurd sizes', () => {
    const r = SeqTrainConfig.safeParse({ ...SEQ_PRESETS.sasrec, dim: 1_000_000, maxLen: 1e7 });
    expect(r.success).toBe(false);
    expect(r.error?.issues.map((i) => i.path.join('.')).sort()).toEqual(['dim', 'maxLen']);
    expect(SeqTrainConfig.safeParse(SEQ_PRESETS.sasrec).success).toBe(true);
  });
});

describe('the CLI quotes input safely', () => {
  const run = promisify(execFile);
  const dir = mkdtempSync(join(tmpdir(), 'json-input-'));
  const cli = async (args: string[]) => {
    try {
      await run(join(ROOT, 'node_modules', '.bin', 'tsx'), [join(ROOT, 'src', 'node', 'cli.ts'), ...args], { cwd: ROOT, env: { ...process.env, CI: '1' } });
      return { code: 0, stderr: '' };
    } catch (e) {
      return e as { code: number; stderr: string };
    }
  };

  it('a config with a control sequence in a key, a duplicate key or a syntax error gets one escaped line', async () => {
    const evil = join(dir, 'evil.json');
    // JSON spells the control characters as \u escapes; the parsed key holds the raw ones.
    writeFileSync(evil, `\ufeff${JSON.stringify({ dim: 8, '\u001b]0;owned\u0007\u001b[2J': 1 })}`);
    const a = await cli(['train', '--dataset', 'beauty', '--model', 'sasrec', '--config', evil]);
    expect(a.code).toBe(1);
    // eslint-disable-next-line no-control-regex -- the point: no raw control character reaches the terminal
    expect(a.stderr).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f]/);
    expect(a.stderr).toContain('\\u001b]0;owned\\u0007\\u001b[2J');
    expect(a.stderr.trim().split('\n')).toHaveLength(1);

    const dup = join(dir, 'dup.json');
    writeFileSync(dup, '{\n  "dim": 8,\n  "dim": 4096\n}\n');
    const b = await cli(['train', '--dataset', 'beauty', '--model', 'sasrec', '--config', dup]);
    expect(b.stderr.trim()).toBe(`error: ${dup}:3:3: key "dim" appears twice in one object (line 2 and line 3); which one is meant is ambiguous`);
  }, 60_000);

  it('escapeControl leaves ordinary text alone', () => {
    expect(escapeControl('Crème brûlée – 50 ml')).toBe('Crème brûlée – 50 ml');
    expect(escapeControl('a\u202eb')).toBe('a\\u202eb');
  });
});
