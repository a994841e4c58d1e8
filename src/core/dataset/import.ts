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
    titles.push(title);
  }
  if (ids.length === 0) throw new InputError(file, `no complete rows to import (${skipped.length} skipped)`, 1);
  return { ids, titles, skipped };
}
