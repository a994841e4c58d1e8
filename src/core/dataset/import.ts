import { InputError } from '../errors.js';
import { parseCsv } from './csv.js';
import { cleanTitle } from './titles.js';

/**
 * A catalog imported by a user (e.g. in the browser): a CSV with an id column (`item_id` or
 * `id`) and a `title` column; other columns are ignored. Ids may be any text. The whole file
 * is rejected for structural errors (no title column, duplicate ids, nothing to import);
 * rows that are incomplete (no id or an empty title) are skipped and reported by line.
 */
export interface ImportedCatalog {
  readonly ids: string[];
  readonly titles: string[];
  /** Rows that were skipped, with their line numbers. */
  readonly skipped: { line: number; reason: string }[];
  /** Titles cut to MAX_TITLE_CHARS: how many, and the line of the first. */
  readonly truncated: { count: number; firstLine: number; maxChars: number } | null;
}

/**
 * Titles longer than this are cut at import (with a note). The longest Beauty title has 879
 * characters and the embedding model reads at most 512 tokens; a multi-megabyte "title" would
 * only stall every search over the catalog.
 */
export const MAX_TITLE_CHARS = 1000;

/** Decodes an imported file as UTF-8, refusing invalid bytes (they would become U+FFFD in ids and titles). */
export function decodeImportedText(bytes: Uint8Array, file: string): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    const text = new TextDecoder('utf-8').decode(bytes);
    const bad = text.indexOf('\ufffd');
    throw new InputError(file, 'is not valid UTF-8 text (save it as UTF-8)', bad < 0 ? undefined : text.slice(0, bad).split('\n').length);
  }
}

export const MAX_IMPORT_BYTES = 20 * 1024 * 1024;

/** Rejects a file that is too large before it is read. */
export function checkImportSize(bytes: number, file: string): void {
  if (bytes > MAX_IMPORT_BYTES) {
    throw new InputError(file, `is ${(bytes / 1048576).toFixed(1)} MB; catalogs up to ${MAX_IMPORT_BYTES / 1048576} MB can be imported`);
  }
}

export function parseImportedCatalog(text: string, file: string, bytes = text.length): ImportedCatalog {
  checkImportSize(bytes, file);
  const first = text.slice(0, text.indexOf('\n') >= 0 ? text.indexOf('\n') : text.length).toLowerCase();
  const idName = /(^|,)\s*"?item_id"?\s*(,|$)/.test(first) ? 'item_id' : 'id';
  const table = parseCsv(text, file, [idName, 'title']);
  const idCol = table.header.indexOf(idName);
  const titleCol = table.header.indexOf('title');
  const ids: string[] = [];
  const titles: string[] = [];
  const skipped: { line: number; reason: string }[] = [];
  const lineOf = new Map<string, number>();
  let cut = 0;
  let firstCutLine = 0;
  for (const row of table.rows) {
    const id = (row.cells[idCol] ?? '').trim();
    const title = cleanTitle(row.cells[titleCol] ?? '');
    if (row.cells.length <= Math.max(idCol, titleCol)) {
      skipped.push({ line: row.line, reason: `only ${row.cells.length} field${row.cells.length === 1 ? '' : 's'} (no ${row.cells.length <= idCol ? idName : 'title'})` });
      continue;
    }
    if (id === '') {
      skipped.push({ line: row.line, reason: `empty ${idName}` });
      continue;
    }
    if (title === '') {
      skipped.push({ line: row.line, reason: 'empty title' });
      continue;
    }
    const seen = lineOf.get(id);
    if (seen !== undefined) throw new InputError(file, `duplicate ${idName} "${id}" (first on line ${seen})`, row.line);
    lineOf.set(id, row.line);
    ids.push(id);
    if (title.length > MAX_TITLE_CHARS) {
      if (cut++ === 0) firstCutLine = row.line;
      titles.push(title.slice(0, MAX_TITLE_CHARS));
    } else titles.push(title);
  }
  if (ids.length === 0) throw new InputError(file, `no complete rows to import (${skipped.length} skipped)`, 1);
  return { ids, titles, skipped, truncated: cut > 0 ? { count: cut, firstLine: firstCutLine, maxChars: MAX_TITLE_CHARS } : null };
}
