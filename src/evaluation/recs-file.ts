import type { Catalog, EvalCases } from '../core/dataset/types.js';
import { InputError } from '../core/errors.js';
import { parseJson } from '../core/json.js';
import { quoteInput } from '../core/text.js';
import type { RecLists } from '../core/metrics/metrics.js';

/**
 * An external system's recommendations: JSON `{"<session_id>": [item_id, ...]}` with the
 * dataset's own ids, best first. Lists are scored as given (cut to k, not filtered). Test
 * sessions missing from the file get empty lists; sessions not in the test split are ignored.
 */
export interface ParsedRecs {
  readonly lists: RecLists;
  /** Test sessions the file has no entry for (scored as empty lists). */
  readonly missingSessions: number;
  /** Entries for sessions that are not test cases (ignored). */
  readonly ignoredSessions: number;
}

function lineOfKey(text: string, key: string): number | undefined {
  const at = text.search(new RegExp(`"${key.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}"\\s*:`));
  if (at < 0) return undefined;
  let line = 1;
  for (let i = 0; i < at; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

export function parseRecsFile(text: string, file: string, catalog: Catalog, cases: EvalCases, k: number): ParsedRecs {
  const raw = parseJson(text, file);
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new InputError(file, 'must be a JSON object {"<session_id>": [item_id, ...], ...}', 1);
  }
  const caseOf = new Map<number, number>();
  cases.sessionIds.forEach((s, c) => caseOf.set(s, c));
  const n = cases.targets.length;
  const items = new Int32Array(n * k).fill(-1);
  const present = new Uint8Array(n);
  let ignored = 0;
  for (const [key, value] of Object.entries(raw as Record<string, unknown>)) {
    const fail = (msg: string): never => {
      throw new InputError(file, `session ${quoteInput(key)}: ${msg}`, lineOfKey(text, key));
    };
    // One spelling per id: " 12", "012" or "+12" would name the same session as "12", so two
    // entries could silently merge into one.
    if (!/^(0|-?[1-9]\d*)$/.test(key)) fail('session ids must be integers written plainly (like "12": no spaces, signs or leading zeros)');
    if (!Array.isArray(value)) fail('the value must be an array of item ids');
    const list = value as unknown[];
    const seen = new Set<number>();
    const dense: number[] = [];
    list.forEach((v, j) => {
      const id = typeof v === 'string' && /^(0|-?[1-9]\d*)$/.test(v) ? Number(v) : v;
      if (typeof id !== 'number' || !Number.isInteger(id)) fail(`item ${j + 1} of the list (${JSON.stringify(v)}) is not an integer item id`);
      const idx = catalog.indexOf.get(id as number);
      if (idx === undefined) fail(`unknown item id ${String(id)} (item ${j + 1} of the list; not in the dataset's items)`);
      if (seen.has(idx as number)) fail(`item id ${String(id)} appears twice in the list`);
      seen.add(idx as number);
      dense.push(idx as number);
    });
    const c = caseOf.get(Number(key));
    if (c === undefined) {
      ignored++;
      continue;
    }
    present[c] = 1;
    for (let j = 0; j < Math.min(k, dense.length); j++) items[c * k + j] = dense[j];
  }
  let missing = 0;
  for (let c = 0; c < n; c++) if (!present[c]) missing++;
  return { lists: { k, items }, missingSessions: missing, ignoredSessions: ignored };
}

/** The inverse of parseRecsFile: `{"<session_id>": [item_id, ...]}` with the dataset's ids. */
export function formatRecsFile(lists: RecLists, cases: EvalCases, catalog: Catalog): Record<string, number[]> {
  const out: Record<string, number[]> = {};
  for (let c = 0; c < cases.sessionIds.length; c++) {
    const ids: number[] = [];
    for (let j = 0; j < lists.k; j++) {
      const it = lists.items[c * lists.k + j];
      if (it >= 0) ids.push(catalog.ids[it]);
    }
    out[String(cases.sessionIds[c])] = ids;
  }
  return out;
}
