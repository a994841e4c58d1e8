import { InputError } from '../errors.js';
import { intCell, numberCell, parseCsv } from './csv.js';
import { cleanTitle } from './titles.js';
import type { Catalog, Dataset, InteractionOrder, SessionSet } from './types.js';

/**
 * Builds the catalog from `items.csv` text: columns `item_id,title` (others, e.g. `asin`,
 * are kept only for ordering ties). Item ids must be unique integers. Titles are cleaned
 * here (HTML entities decoded, whitespace collapsed: `cleanTitle`), the one place every
 * dataset passes through.
 */
export function parseCatalog(text: string, file: string): { catalog: Catalog; tieKeys: string[] } {
  const table = parseCsv(text, file, ['item_id', 'title']);
  const idCol = table.header.indexOf('item_id');
  const titleCol = table.header.indexOf('title');
  const asinCol = table.header.indexOf('asin');
  if (table.rows.length === 0) throw new InputError(file, 'no items (only a header line)', 1);
  const ids = new Int32Array(table.rows.length);
  const titles: string[] = new Array<string>(table.rows.length);
  const tieKeys: string[] = new Array<string>(table.rows.length);
  const indexOf = new Map<number, number>();
  const firstLine = new Map<number, number>();
  table.rows.forEach((row, i) => {
    const id = intCell(row, idCol, 'item_id', file);
    const seen = firstLine.get(id);
    if (seen !== undefined) throw new InputError(file, `duplicate item_id ${id} (first seen on line ${seen})`, row.line);
    firstLine.set(id, row.line);
    ids[i] = id;
    titles[i] = cleanTitle(row.cells[titleCol] ?? '');
    tieKeys[i] = asinCol >= 0 ? (row.cells[asinCol] ?? '') : String(id).padStart(11, '0');
    indexOf.set(id, i);
  });
  return { catalog: { ids, titles, indexOf }, tieKeys };
}

/**
 * Builds ordered sessions from `interactions.csv` text: columns `session_id,item_id` and
 * either `timestamp` (seconds) or `position` (order within the session, when there are no
 * timestamps). Within a session, items are ordered by timestamp (or position), ties by the
 * item's tie key (the ASIN for Beauty, as the files are sorted); sessions by id ascending.
 */
export function parseSessions(text: string, file: string, catalog: Catalog, tieKeys: readonly string[]): SessionSet {
  return parseOrderedSessions(text, file, catalog, tieKeys).sessions;
}

/** As `parseSessions`, also saying whether the file had timestamps or only positions. */
export function parseOrderedSessions(
  text: string,
  file: string,
  catalog: Catalog,
  tieKeys: readonly string[],
): { sessions: SessionSet; order: InteractionOrder } {
  const table = parseCsv(text, file, ['session_id', 'item_id']);
  const kind: InteractionOrder | undefined = table.header.includes('timestamp')
    ? 'timestamp'
    : table.header.includes('position')
      ? 'position'
      : undefined;
  if (kind === undefined) {
    throw new InputError(file, `missing column "timestamp" or "position" (header has: ${table.header.join(', ')})`, 1);
  }
  const sCol = table.header.indexOf('session_id');
  const iCol = table.header.indexOf('item_id');
  const tCol = table.header.indexOf(kind);
  const n = table.rows.length;
  if (n === 0) throw new InputError(file, 'no interactions (only a header line)', 1);
  const sess = new Int32Array(n);
  const item = new Int32Array(n);
  const time = new Float64Array(n);
  for (let r = 0; r < n; r++) {
    const row = table.rows[r];
    sess[r] = intCell(row, sCol, 'session_id', file);
    const id = intCell(row, iCol, 'item_id', file);
    const idx = catalog.indexOf.get(id);
    if (idx === undefined) throw new InputError(file, `unknown item_id ${id} (not in the items file)`, row.line);
    item[r] = idx;
    time[r] = numberCell(row, tCol, kind, file);
  }
  // Rank tie keys once so the sort compares integers, not strings.
  const tieRank = rankStrings(tieKeys);
  const order = Array.from({ length: n }, (_, r) => r);
  order.sort((a, b) => sess[a] - sess[b] || time[a] - time[b] || tieRank[item[a]] - tieRank[item[b]] || a - b);

  // The same interaction twice (session, item and time) would count twice or be a copy-paste
  // error: which is meant is ambiguous, so it is refused with both lines.
  for (let k = 1; k < n; k++) {
    const a = order[k - 1];
    const b = order[k];
    if (sess[a] === sess[b] && item[a] === item[b] && time[a] === time[b]) {
      const [first, second] = [table.rows[a].line, table.rows[b].line].sort((x, y) => x - y);
      throw new InputError(file, `duplicate interaction: session ${sess[a]}, item_id ${catalog.ids[item[a]]}, timestamp ${time[a]} (also on line ${first})`, second);
    }
  }

  const ids: number[] = [];
  const offsets: number[] = [0];
  const items = new Int32Array(n);
  const times = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    const r = order[k];
    if (k === 0 || sess[r] !== sess[order[k - 1]]) {
      if (k > 0) offsets.push(k);
      ids.push(sess[r]);
    }
    items[k] = item[r];
    times[k] = time[r];
  }
  offsets.push(n);
  return { sessions: { ids: Int32Array.from(ids), offsets: Int32Array.from(offsets), items, times }, order: kind };
}

function rankStrings(keys: readonly string[]): Int32Array {
  const idx = keys.map((_, i) => i);
  idx.sort((a, b) => (keys[a] < keys[b] ? -1 : keys[a] > keys[b] ? 1 : a - b));
  const rank = new Int32Array(keys.length);
  idx.forEach((i, r) => (rank[i] = r));
  return rank;
}

export function parseDataset(
  name: string,
  items: { text: string; file: string },
  interactions: { text: string; file: string },
): Dataset {
  const { catalog, tieKeys } = parseCatalog(items.text, items.file);
  const { sessions, order } = parseOrderedSessions(interactions.text, interactions.file, catalog, tieKeys);
  return { name, catalog, sessions, order };
}
