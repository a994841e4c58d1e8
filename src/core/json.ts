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
 * JSON.parse builds the value; jsonc-parser's scanner (strict mode: no comments, no trailing
 * commas) finds error positions and duplicate keys, which JSON.parse cannot report.
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

/** Rejects nesting deeper than `max` with the line and column where it gets too deep (one linear pass). */
function checkDepth(text: string, file: string, max: number): void {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92) i++; // backslash: skip the escaped character
      else if (c === 34) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 123 || c === 91) {
      if (++depth > max) fail(file, text, i, `nested more than ${max} levels deep`);
    } else if (c === 125 || c === 93) depth--;
  }
}

/** Parses JSON text strictly (see above); `file` names it in errors. */
export function parseJson(input: string, file: string, maxDepth = MAX_JSON_DEPTH): unknown {
  const text = input.charCodeAt(0) === 0xfeff ? input.slice(1) : input;
  if (text.trim() === '') throw new InputError(file, 'is empty (expected JSON)', 1);
  checkDepth(text, file, maxDepth);
  let value: unknown;
  let syntaxError = false;
  try {
    value = JSON.parse(text);
  } catch {
    syntaxError = true;
  }
  // One pass of the strict scanner: the first syntax error's position, and keys repeated in an object.
  const keys: (Map<string, number> | null)[] = [];
  let firstError: { code: ParseErrorCode; offset: number } | null = null;
  let duplicate: { key: string; offset: number; first: number } | null = null;
  visit(
    text,
    {
      onObjectBegin: () => void keys.push(new Map()),
      onObjectEnd: () => void keys.pop(),
      onArrayBegin: () => void keys.push(null),
      onArrayEnd: () => void keys.pop(),
      onObjectProperty: (key, offset) => {
        const seen = keys[keys.length - 1];
        if (!seen || duplicate) return;
        const first = seen.get(key);
        if (first !== undefined) duplicate = { key, offset, first };
        else seen.set(key, offset);
      },
      onError: (code, offset) => {
        firstError ??= { code, offset };
      },
    },
    { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false },
  );
  if (syntaxError || firstError) {
    const e = firstError as { code: ParseErrorCode; offset: number } | null;
    if (e) fail(file, text, e.offset, ERROR_WORDS[printParseErrorCode(e.code)] ?? printParseErrorCode(e.code));
    throw new InputError(file, 'not valid JSON');
  }
  if (duplicate) {
    const d = duplicate as { key: string; offset: number; first: number };
    const { line, column } = lineColumn(text, d.offset);
    throw new InputError(file, `key ${quoteInput(d.key)} appears twice in one object (line ${lineColumn(text, d.first).line} and line ${line}); which one is meant is ambiguous`, line, column);
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
