import { type ParseErrorCode, printParseErrorCode, visit } from 'jsonc-parser';
import type { z } from 'zod';
import { InputError } from './errors.js';
import { quoteInput } from './text.js';

/**
 * The one way input JSON is read (configs, grids, `--recs` files, manifests, catalog and model
 * files), in Node and in the browser:
 * - a UTF-8 byte-order mark is accepted (as for CSV files);
 * - a syntax error names the file, line and column (computed here from the offset: Node's own
 *   message often has no position, and when it has one it is an offset);
 * - nesting deeper than MAX_JSON_DEPTH is a one-line error instead of a stack overflow in a
 *   later recursive step (schema validation, a recursive parser);
 * - a key repeated in one object is an error naming both lines: JSON.parse keeps the last one
 *   silently, which for `{"<session>": [...]}` merges two answers into one.
 * JSON.parse builds the value; a linear scan (scanStructure) finds too-deep nesting and repeated
 * keys, and on a syntax error jsonc-parser's scanner (strict mode: no comments, no trailing
 * commas) finds its position, which JSON.parse cannot report.
 */
export const MAX_JSON_DEPTH = 64;

/** 1-based line and column of a character offset. */
export function lineColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let start = 0;
  const end = Math.min(offset, text.length);
  for (let i = 0; i < end; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      start = i + 1;
    }
  }
  return { line, column: end - start + 1 };
}

const ERROR_WORDS: Partial<Record<string, string>> = {
  InvalidSymbol: 'unexpected character',
  InvalidNumberFormat: 'malformed number',
  PropertyNameExpected: 'a double-quoted property name was expected',
  ValueExpected: 'a value was expected',
  ColonExpected: "':' was expected",
  CommaExpected: "',' was expected",
  CloseBraceExpected: "'}' was expected",
  CloseBracketExpected: "']' was expected",
  EndOfFileExpected: 'unexpected text after the JSON value',
  InvalidCommentToken: 'comments are not allowed',
  UnexpectedEndOfComment: 'comments are not allowed',
  UnexpectedEndOfString: 'unterminated string',
  UnexpectedEndOfNumber: 'malformed number',
  InvalidUnicode: 'invalid \\u escape',
  InvalidEscapeCharacter: 'invalid escape',
  InvalidCharacter: 'a control character inside a string',
};

function fail(file: string, text: string, offset: number, what: string): never {
  const { line, column } = lineColumn(text, offset);
  throw new InputError(file, `not valid JSON: ${what}`, line, column);
}

/** A key that appears twice in one object: the second occurrence's offset and the first's. */
interface Duplicate {
  readonly key: string;
  readonly offset: number;
  readonly first: number;
}

/**
 * The offset of the quote that closes the string opened at `open` (the text's length if none):
 * the next quote not escaped by an odd run of backslashes. indexOf jumps through the string
 * natively (a per-character loop was most of this scan's time on the catalog's titles).
 */
function stringEnd(text: string, open: number): number {
  for (let q = text.indexOf('"', open + 1); q !== -1; q = text.indexOf('"', q + 1)) {
    let backslashes = 0;
    while (text.charCodeAt(q - 1 - backslashes) === 92) backslashes++;
    if (backslashes % 2 === 0) return q;
  }
  return text.length;
}

/**
 * One linear pass over the text: refuses nesting deeper than `max` (with the line and column
 * where it gets too deep) and finds the first key repeated in one object. Hand-written rather
 * than jsonc-parser's `visit` (which does find both) because this runs on every artifact on the
 * way to the first recommendation: `visit` took ~55 ms on the 0.9 MB catalog, this loop a few ms.
 * The text's syntax is JSON.parse's job; a key's escapes are decoded only when it has any.
 */
function scanStructure(text: string, file: string, max: number): Duplicate | null {
  const objects: (Map<string, number> | null)[] = []; // per open bracket: its keys, null for an array
  let expectKey = false;
  let duplicate: Duplicate | null = null;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 34) {
      const start = i;
      i = stringEnd(text, i);
      const keys = expectKey ? objects[objects.length - 1] : null;
      expectKey = false;
      if (!keys || duplicate) continue;
      let key = text.slice(start + 1, i);
      if (key.includes('\\')) {
        try {
          key = JSON.parse(text.slice(start, i + 1)) as string;
        } catch {
          // invalid escapes: JSON.parse of the whole text reports them
        }
      }
      const first = keys.get(key);
      if (first !== undefined) duplicate = { key, offset: start, first };
      else keys.set(key, start);
    } else if (c === 123 || c === 91) {
      if (objects.length >= max) fail(file, text, i, `nested more than ${max} levels deep`);
      objects.push(c === 123 ? new Map() : null);
      expectKey = c === 123;
    } else if (c === 125 || c === 93) {
      objects.pop();
      expectKey = false;
    } else if (c === 44) expectKey = objects[objects.length - 1] != null;
  }
  return duplicate;
}

/** The first syntax error's offset and code (jsonc-parser's strict scanner: JSON.parse gives no usable position). */
function firstSyntaxError(text: string): { code: ParseErrorCode; offset: number } | null {
  let firstError: { code: ParseErrorCode; offset: number } | null = null;
  visit(
    text,
    {
      onError: (code, offset) => {
        firstError ??= { code, offset };
      },
    },
    { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false },
  );
  return firstError;
}

/** JSON.parse after an optional UTF-8 byte-order mark: for text that passed parseJson before (same bytes). */
export function parseCheckedJson(input: string): unknown {
  return JSON.parse(input.charCodeAt(0) === 0xfeff ? input.slice(1) : input);
}

/** Whether two JSON values are equal (objects regardless of key order). */
export function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => sameJson(x, b[i]));
  const ka = Object.keys(a);
  const rb = b as Record<string, unknown>;
  return ka.length === Object.keys(rb).length && ka.every((k) => Object.hasOwn(rb, k) && sameJson((a as Record<string, unknown>)[k], rb[k]));
}

/** Parses JSON text strictly (see above); `file` names it in errors. */
export function parseJson(input: string, file: string, maxDepth = MAX_JSON_DEPTH): unknown {
  const text = input.charCodeAt(0) === 0xfeff ? input.slice(1) : input;
  if (text.trim() === '') throw new InputError(file, 'is empty (expected JSON)', 1);
  const duplicate = scanStructure(text, file, maxDepth);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    const e = firstSyntaxError(text);
    if (e) fail(file, text, e.offset, ERROR_WORDS[printParseErrorCode(e.code)] ?? printParseErrorCode(e.code));
    throw new InputError(file, 'not valid JSON');
  }
  if (duplicate) {
    const { line, column } = lineColumn(text, duplicate.offset);
    throw new InputError(
      file,
      `key ${quoteInput(duplicate.key)} appears twice in one object (line ${lineColumn(text, duplicate.first).line} and line ${line}); which one is meant is ambiguous`,
      line,
      column,
    );
  }
  return value;
}

function describe(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((i) => `${i.path.length ? i.path.join('.') : '(root)'}: ${i.message}`)
    .join('; ');
}

/** Parses JSON text (see parseJson) and validates it with a schema; errors name the file. */
export function parseJsonText<T>(text: string, file: string, schema: z.ZodType<T>): T {
  const raw = parseJson(text, file);
  const result = schema.safeParse(raw);
  if (!result.success) throw new InputError(file, `does not match the expected format: ${describe(result.error)}`);
  return result.data;
}
