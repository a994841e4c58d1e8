import { stringify } from 'csv-stringify/sync';
import { InputError } from '../errors.js';
import { type CsvRow, numberCell, parseCsv } from './csv.js';
import type { InteractionOrder } from './types.js';

/**
 * Bring your own data: converts a user's files into the dataset schema every command reads
 * (`data/<name>/items.csv` + `interactions.csv`, see the README), checking every row.
 *
 * Sources:
 * - CSV: `items.csv` (`item_id`, `title`; other columns kept as optional text fields) and
 *   `interactions.csv` (`session_id`, `item_id`, and `timestamp` or `position`).
 * - RecBole atomic files: `NAME.item` and `NAME.inter`, tab-separated, typed headers
 *   (`item_id:token`, `timestamp:float`). The session is `session_id` if present, else
 *   `user_id`; without a timestamp, the file's row order is the order within a session.
 *
 * Ids may be any text. When every item id (or session id) is a 32-bit integer it is kept;
 * otherwise items (sessions) are numbered 0.. in file order and the source id is kept in a
 * `source_id` column of items.csv. A bad row stops the import with its file and line.
 */

export interface SourceFile {
  readonly text: string;
  readonly file: string;
}

export interface ImportedDataset {
  /** The dataset schema's items.csv: item_id, title[, source_id][, other text fields]. */
  readonly itemsCsv: string;
  /** session_id, item_id, timestamp | position. */
  readonly interactionsCsv: string;
  readonly order: InteractionOrder;
  readonly items: number;
  readonly sessions: number;
  readonly interactions: number;
  /** Items or sessions renumbered because their source ids were not all integers. */
  readonly renumbered: { items: boolean; sessions: boolean };
  /** The source column used as the title. */
  readonly titleField: string;
  /** Source columns kept as optional text fields. */
  readonly extraFields: readonly string[];
}

interface ItemsTable {
  readonly ids: string[];
  readonly titles: string[];
  readonly extra: { name: string; values: string[] }[];
  readonly titleField: string;
}

interface Interaction {
  readonly session: string;
  readonly item: string;
  readonly key: number;
}

const INT32 = /^-?\d{1,10}$/;
function allInt32(ids: readonly string[]): boolean {
  return ids.every((id) => INT32.test(id) && Number(id) >= -2147483648 && Number(id) <= 2147483647);
}

function cell(row: CsvRow, col: number): string {
  return (row.cells[col] ?? '').trim();
}

function readItems(src: SourceFile, header: readonly string[], rows: readonly CsvRow[], titleField: string): ItemsTable {
  const idCol = header.indexOf('item_id');
  const titleCol = header.indexOf(titleField);
  if (rows.length === 0) throw new InputError(src.file, 'no items (only a header line)', 1);
  const extraCols = header.map((h, i) => ({ h, i })).filter(({ h, i }) => i !== idCol && i !== titleCol && h !== 'source_id' && h !== '');
  const ids: string[] = [];
  const titles: string[] = [];
  const extra = extraCols.map(({ h }) => ({ name: h, values: [] as string[] }));
  const lineOf = new Map<string, number>();
  for (const row of rows) {
    const id = cell(row, idCol);
    if (id === '') throw new InputError(src.file, 'empty item_id', row.line);
    const seen = lineOf.get(id);
    if (seen !== undefined) throw new InputError(src.file, `duplicate item_id ${JSON.stringify(id)} (first seen on line ${seen})`, row.line);
    lineOf.set(id, row.line);
    ids.push(id);
    // Titles are stored as given; loading the dataset cleans them (cleanTitle), once.
    titles.push(row.cells[titleCol] ?? '');
    extraCols.forEach(({ i }, k) => extra[k].values.push(row.cells[i] ?? ''));
  }
  return { ids, titles, extra, titleField };
}

function readInteractions(
  src: SourceFile,
  header: readonly string[],
  rows: readonly CsvRow[],
  sessionField: string,
  order: InteractionOrder | 'row',
  known: ReadonlySet<string>,
): Interaction[] {
  const sCol = header.indexOf(sessionField);
  const iCol = header.indexOf('item_id');
  const kCol = order === 'row' ? -1 : header.indexOf(order);
  if (rows.length === 0) throw new InputError(src.file, 'no interactions (only a header line)', 1);
  const out: Interaction[] = [];
  const seen = new Map<string, number>();
  rows.forEach((row) => {
    const session = cell(row, sCol);
    if (session === '') throw new InputError(src.file, `empty ${sessionField}`, row.line);
    const item = cell(row, iCol);
    if (item === '') throw new InputError(src.file, 'empty item_id', row.line);
    if (!known.has(item)) throw new InputError(src.file, `unknown item_id ${JSON.stringify(item)} (not in the items file)`, row.line);
    // Without a timestamp column (RecBole), a session's rows are in order: number them.
    const position = seen.get(session) ?? 0;
    seen.set(session, position + 1);
    const key = kCol < 0 ? position : numberCell(row, kCol, order, src.file);
    out.push({ session, item, key });
  });
  return out;
}

function assemble(items: ItemsTable, inter: Interaction[], order: InteractionOrder): ImportedDataset {
  const itemsRenumbered = !allInt32(items.ids);
  const itemId = new Map<string, number>();
  items.ids.forEach((id, i) => itemId.set(id, itemsRenumbered ? i : Number(id)));
  const sessionIds = [...new Set(inter.map((x) => x.session))];
  const sessionsRenumbered = !allInt32(sessionIds);
  const sessionId = new Map<string, number>();
  sessionIds.forEach((id, i) => sessionId.set(id, sessionsRenumbered ? i : Number(id)));

  const itemHeader = ['item_id', 'title', ...(itemsRenumbered ? ['source_id'] : []), ...items.extra.map((e) => e.name)];
  const itemRows = items.ids.map((id, i) => [
    String(itemId.get(id)),
    items.titles[i],
    ...(itemsRenumbered ? [id] : []),
    ...items.extra.map((e) => e.values[i]),
  ]);
  const interRows = inter.map((x) => [String(sessionId.get(x.session)), String(itemId.get(x.item)), String(x.key)]);
  return {
    itemsCsv: stringify([itemHeader, ...itemRows]),
    interactionsCsv: stringify([['session_id', 'item_id', order], ...interRows]),
    order,
    items: items.ids.length,
    sessions: sessionIds.length,
    interactions: inter.length,
    renumbered: { items: itemsRenumbered, sessions: sessionsRenumbered },
    titleField: items.titleField,
    extraFields: items.extra.map((e) => e.name),
  };
}

/** The CSV source: items.csv + interactions.csv. */
export function importCsvDataset(items: SourceFile, interactions: SourceFile): ImportedDataset {
  const it = parseCsv(items.text, items.file, ['item_id', 'title']);
  const table = readItems(items, it.header, it.rows, 'title');
  const inter = parseCsv(interactions.text, interactions.file, ['session_id', 'item_id']);
  const order: InteractionOrder | undefined = inter.header.includes('timestamp')
    ? 'timestamp'
    : inter.header.includes('position')
      ? 'position'
      : undefined;
  if (order === undefined) {
    throw new InputError(interactions.file, `missing column "timestamp" or "position" (header has: ${inter.header.join(', ')})`, 1);
  }
  const rows = readInteractions(interactions, inter.header, inter.rows, 'session_id', order, new Set(table.ids));
  return assemble(table, rows, order);
}

/** Splits RecBole's typed header (`item_id:token`) into names and types. */
function recboleHeader(header: readonly string[], file: string): { names: string[]; types: string[] } {
  const names: string[] = [];
  const types: string[] = [];
  header.forEach((h) => {
    const at = h.lastIndexOf(':');
    if (at <= 0) throw new InputError(file, `header field ${JSON.stringify(h)} has no type (RecBole atomic files use name:type, e.g. item_id:token)`, 1);
    names.push(h.slice(0, at));
    types.push(h.slice(at + 1));
  });
  return { names, types };
}

/** The title column: the given one, else the first text field named like a title or a name. */
function pickTitleField(names: readonly string[], types: readonly string[], file: string, titleField?: string): string {
  if (titleField !== undefined) {
    if (!names.includes(titleField)) throw new InputError(file, `no field "${titleField}" for --title-field (fields: ${names.join(', ')})`, 1);
    return titleField;
  }
  const text = (i: number) => types[i] === 'token' || types[i] === 'token_seq';
  const found = names.find((n, i) => text(i) && n !== 'item_id' && /title|name/i.test(n));
  if (found === undefined) {
    throw new InputError(file, `no text field named like a title or a name (fields: ${names.join(', ')}); choose one with --title-field`, 1);
  }
  return found;
}

/** RecBole atomic files: NAME.item + NAME.inter. */
export function importRecBoleDataset(item: SourceFile, inter: SourceFile, options: { titleField?: string } = {}): ImportedDataset {
  const it = parseCsv(item.text, item.file, [], { format: 'tab' });
  const ih = recboleHeader(it.header, item.file);
  if (!ih.names.includes('item_id')) throw new InputError(item.file, `missing field "item_id" (header has: ${it.header.join(', ')})`, 1);
  const titleField = pickTitleField(ih.names, ih.types, item.file, options.titleField);
  const table = readItems(item, ih.names, it.rows, titleField);

  const tb = parseCsv(inter.text, inter.file, [], { format: 'tab' });
  const h = recboleHeader(tb.header, inter.file);
  if (!h.names.includes('item_id')) throw new InputError(inter.file, `missing field "item_id" (header has: ${tb.header.join(', ')})`, 1);
  const sessionField = h.names.includes('session_id') ? 'session_id' : h.names.includes('user_id') ? 'user_id' : undefined;
  if (sessionField === undefined) throw new InputError(inter.file, `needs a session_id or user_id field (header has: ${tb.header.join(', ')})`, 1);
  const hasTime = h.names.includes('timestamp');
  const rows = readInteractions(inter, h.names, tb.rows, sessionField, hasTime ? 'timestamp' : 'row', new Set(table.ids));
  return assemble(table, rows, hasTime ? 'timestamp' : 'position');
}
