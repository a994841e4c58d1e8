import { parse } from 'csv-parse/sync';
import { InputError } from '../errors.js';

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
 * Parses RFC 4180 CSV text (quoted fields may hold commas, quotes and newlines) with csv-parse.
 * Errors name the file and line. `required` columns must be present in the header.
 */
export function parseCsv(text: string, file: string, required: readonly string[], options: CsvOptions = {}): CsvTable {
  if (text.trim().length === 0) throw new InputError(file, 'the file is empty (expected a header line)', 1);
  let records: { record: string[]; info: { lines: number } }[];
  try {
    records = parse(text, {
      info: true,
      bom: true,
      skip_empty_lines: true,
      relax_column_count: true,
      ...(options.format === 'tab' ? { delimiter: '\t', quote: false } : {}),
    }) as unknown as { record: string[]; info: { lines: number } }[];
  } catch (e) {
    const err = e as { message?: string; lines?: number };
    throw new InputError(file, `malformed CSV: ${err.message ?? String(e)}`, err.lines);
  }
  const header = records[0].record.map((h) => h.trim());
  const missing = required.filter((c) => !header.includes(c));
  if (missing.length > 0) {
    throw new InputError(
      file,
      `missing column${missing.length > 1 ? 's' : ''} ${missing.map((m) => `"${m}"`).join(', ')} (header has: ${header.join(', ')})`,
      1,
    );
  }
  const rows: CsvRow[] = [];
  // csv-parse reports the line a record *ends* on; a record starts after the previous one ended.
  let prevEnd = records[0].info.lines;
  for (let r = 1; r < records.length; r++) {
    const { record, info } = records[r];
    rows.push({ line: prevEnd + 1, cells: record });
    prevEnd = info.lines;
  }
  return { header, rows };
}

/** Reads a non-negative integer cell, or throws naming the file, line and column. */
export function intCell(row: CsvRow, col: number, name: string, file: string): number {
  const raw = row.cells[col];
  if (raw === undefined) throw new InputError(file, `missing value for "${name}" (row has ${row.cells.length} fields)`, row.line);
  const s = raw.trim();
  if (!/^-?\d+$/.test(s)) {
    throw new InputError(file, `"${name}" must be an integer, got ${s === '' ? 'an empty value' : JSON.stringify(s)}`, row.line);
  }
  const v = Number(s);
  if (!Number.isSafeInteger(v) || v < -2147483648 || v > 2147483647) {
    throw new InputError(file, `"${name}" ${s} is out of the 32-bit integer range`, row.line);
  }
  return v;
}

/** Reads a finite number cell (timestamps may be fractional seconds). */
export function numberCell(row: CsvRow, col: number, name: string, file: string): number {
  const raw = row.cells[col];
  const s = raw === undefined ? '' : raw.trim();
  const v = s === '' ? Number.NaN : Number(s);
  if (!Number.isFinite(v)) {
    throw new InputError(file, `"${name}" must be a number, got ${s === '' ? 'an empty value' : JSON.stringify(s)}`, row.line);
  }
  return v;
}
