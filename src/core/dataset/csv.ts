import { type Options, parse } from 'csv-parse/sync';
import { InputError } from '../errors.js';
import { quoteInput } from '../text.js';

/** One parsed CSV row with the 1-based line number it starts on (for error messages). */
export interface CsvRow {
  readonly line: number;
  readonly cells: readonly string[];
}

export interface CsvTable {
  readonly header: readonly string[];
  readonly rows: readonly CsvRow[];
}

/** `tab`: tab-separated with no quoting (RecBole's atomic files). */
export interface CsvOptions {
  readonly format?: 'csv' | 'tab';
}

/**
 * Line numbers of UTF-8 byte offsets. csv-parse reports where a record ends as a byte offset
 * (`info.bytes`) and a line count that counts CR and LF separately inside quoted fields and
 * does not know where a failing record started; lines are counted here instead (a line break
 * is LF, CRLF or a lone CR).
 */
class LineIndex {
  private readonly starts: number[] = [0];

  constructor(readonly bytes: Uint8Array) {
    for (let i = 0; i < bytes.length; i++) {
      const b = bytes[i];
      if (b === 10 || (b === 13 && bytes[i + 1] !== 10)) this.starts.push(i + 1);
    }
  }

  /** 1-based line of the first non-line-break byte at or after `offset` (where a record starts). */
  recordLine(offset: number): number {
    let o = offset;
    while (o < this.bytes.length && (this.bytes[o] === 10 || this.bytes[o] === 13)) o++;
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid] <= o) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  }
}

const CSV_ERRORS: Partial<Record<string, string>> = {
  CSV_QUOTE_NOT_CLOSED: 'a quoted field is never closed (a missing closing quote)',
  CSV_INVALID_CLOSING_QUOTE: 'text follows a closing quote (a quote inside a quoted field must be doubled: "")',
};

/**
 * Parses RFC 4180 CSV text (quoted fields may hold commas, quotes and newlines) with csv-parse.
 * Errors name the file and the line the offending record starts on. `required` columns must be
 * present in the header, and no column may appear twice in it.
 */
export function parseCsv(text: string, file: string, required: readonly string[], options: CsvOptions = {}): CsvTable {
  if (text.trim().length === 0) throw new InputError(file, 'the file is empty (expected a header line)', 1);
  const bytes = new TextEncoder().encode(text);
  const lines = new LineIndex(bytes);
  let records: { record: string[]; info: { bytes: number } }[];
  // Where the last complete record ended: a failing record starts there (the error's own
  // offsets point elsewhere).
  let lastEnd = 0;
  try {
    records = parse(text, {
      info: true,
      bom: true,
      skip_empty_lines: true,
      relax_column_count: true,
      ...(options.format === 'tab' ? { delimiter: '\t', quote: false } : {}),
      // With info: true the callback gets { record, info }.
      on_record: ((r: { info: { bytes: number } }) => {
        lastEnd = r.info.bytes;
        return r;
      }) as unknown as Options['on_record'],
    } as Options) as unknown as { record: string[]; info: { bytes: number } }[];
  } catch (e) {
    const err = e as { message?: string; code?: string };
    const line = lines.recordLine(lastEnd);
    const what = (err.code && CSV_ERRORS[err.code]) ?? (err.message ?? String(e)).replace(/ at line \d+/g, '');
    throw new InputError(file, `malformed CSV in the record starting on this line: ${what}`, line);
  }
  const header = records[0].record.map((h) => h.trim());
  const firstAt = new Map<string, number>();
  header.forEach((h, i) => {
    const seen = firstAt.get(h);
    if (seen !== undefined && h !== '') {
      throw new InputError(file, `column ${quoteInput(h)} appears twice in the header (columns ${seen + 1} and ${i + 1}): which one holds the data is ambiguous`, lines.recordLine(0));
    }
    firstAt.set(h, i);
  });
  const missing = required.filter((c) => !header.includes(c));
  if (missing.length > 0) {
    throw new InputError(
      file,
      `missing column${missing.length > 1 ? 's' : ''} ${missing.map((m) => `"${m}"`).join(', ')} (header has: ${header.join(', ')})`,
      lines.recordLine(0),
    );
  }
  const rows: CsvRow[] = [];
  // csv-parse reports the byte offset where a record ends; the next one starts there (after blank lines).
  let prevEnd = records[0].info.bytes;
  for (let r = 1; r < records.length; r++) {
    const { record, info } = records[r];
    rows.push({ line: lines.recordLine(prevEnd), cells: record });
    prevEnd = info.bytes;
  }
  return { header, rows };
}

/**
 * Reads an integer cell written plainly ("12", "-3"), or throws naming the file and line.
 * Other spellings of a number (" 12", "012", "+12", "12.0", "1e3", "0x1F") are refused: an id
 * written two ways could name one item twice or two items as one.
 */
export function intCell(row: CsvRow, col: number, name: string, file: string): number {
  const raw = row.cells[col];
  if (raw === undefined) throw new InputError(file, `missing value for "${name}" (row has ${row.cells.length} fields)`, row.line);
  const s = raw;
  if (s.trim() === '') throw new InputError(file, `"${name}" must be an integer, got an empty value`, row.line);
  if (!/^(0|-?[1-9]\d*)$/.test(s)) {
    const hint = /^\s|\s$/.test(s) ? 'spaces around it' : /^[+-]?0\d/.test(s) ? 'leading zeros' : /^\+/.test(s) ? 'a plus sign' : 'not a plain integer';
    throw new InputError(file, `"${name}" must be an integer written plainly, got ${quoteInput(s)} (${hint})`, row.line);
  }
  const v = Number(s);
  if (!Number.isSafeInteger(v) || v < -2147483648 || v > 2147483647) {
    throw new InputError(file, `"${name}" ${s} is out of the 32-bit integer range`, row.line);
  }
  return v;
}

/** Reads a decimal number cell (timestamps may be fractional seconds: "1311120000", "12.5"); hex, exponents and padding are refused. */
export function numberCell(row: CsvRow, col: number, name: string, file: string): number {
  const s = row.cells[col] ?? '';
  if (s.trim() === '') throw new InputError(file, `"${name}" must be a number, got an empty value`, row.line);
  const v = /^-?\d+(\.\d+)?$/.test(s) ? Number(s) : Number.NaN;
  if (!Number.isFinite(v)) {
    throw new InputError(file, `"${name}" must be a decimal number, got ${quoteInput(s)}`, row.line);
  }
  return v;
}
