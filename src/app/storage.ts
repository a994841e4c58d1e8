import { MAX_SESSION_ITEMS, restoreSession } from '../core/session/restore.js';
import { BACKENDS, type BackendChoice } from './engine/messages.js';

/**
 * The shopper's session and settings live in localStorage only: nothing leaves the device.
 * What is read back is treated as input: validated, bounded, and anything dropped or repaired
 * is reported (storageNotes), never silently changed.
 *
 * A session is stored as the catalog's own item ids (numbers for the dataset, the CSV's id
 * strings for an imported catalog) under a key naming the catalog: the dataset name, or
 * `import:<sha256 of the imported ids and titles>`, so another file with the same name never
 * restores different items.
 */
const SESSION_KEY = (catalog: string) => `llmseqrec:session:${catalog}`;
const BACKEND_KEY = 'llmseqrec:backend';
/** A stored value longer than this is not even parsed (a tampered or runaway value). */
const MAX_STORED_CHARS = 256 * 1024;

const notes: string[] = [];

/** Messages about stored state that was dropped or repaired since the last call (shown on the page). */
export function takeStorageNotes(): string[] {
  return notes.splice(0, notes.length);
}

function safeGet(key: string): string | null {
  try {
    return localStorage.getItem(key);
  } catch {
    return null; // storage disabled: nothing to restore
  }
}

function safeRemove(key: string): void {
  try {
    localStorage.removeItem(key);
  } catch {
    // storage disabled
  }
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n.toLocaleString()} ${n === 1 ? one : many}`;
}

/**
 * The saved session of a catalog as dense indices: only ids the catalog has, each once, at most
 * MAX_SESSION_ITEMS (the most recent). Whatever is dropped is reported through storageNotes.
 */
export function loadSession(catalog: string, indexOf: ReadonlyMap<string | number, number>): number[] {
  const key = SESSION_KEY(catalog);
  const raw = safeGet(key);
  if (raw === null) return [];
  if (raw.length > MAX_STORED_CHARS) {
    safeRemove(key);
    notes.push(`The saved session was ${Math.round(raw.length / 1024).toLocaleString()} KB, far more than a session holds; it was cleared.`);
    return [];
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    safeRemove(key);
    notes.push('The saved session could not be read (it was not valid JSON); it was cleared.');
    return [];
  }
  if (!Array.isArray(parsed)) {
    safeRemove(key);
    notes.push('The saved session was not a list of items; it was cleared.');
    return [];
  }
  const { items, invalid, unknown, repeated, cut } = restoreSession(parsed, (id) => indexOf.get(id), MAX_SESSION_ITEMS);
  const dropped: string[] = [];
  if (invalid) dropped.push(`${plural(invalid, 'value')} that ${invalid === 1 ? 'is not an item id' : 'are not item ids'}`);
  if (unknown) dropped.push(`${plural(unknown, 'item')} not in this catalog`);
  if (repeated) dropped.push(`${plural(repeated, 'repeated item')}`);
  if (cut) dropped.push(`the oldest ${plural(cut, 'item')} beyond the ${MAX_SESSION_ITEMS}-item limit`);
  if (dropped.length > 0) notes.push(`The saved session was repaired: dropped ${dropped.join(', ')}; ${plural(items.length, 'item')} restored.`);
  return items;
}

/**
 * The saved session's raw list of ids, for the scoring worker to answer before the page has
 * the catalog (it maps them with the same rule, restoreSession); null if there is none or it
 * is not a list (loadSession reports that when the page restores it).
 */
export function storedSessionIds(catalog: string): unknown[] | null {
  const raw = safeGet(SESSION_KEY(catalog));
  if (raw === null || raw.length > MAX_STORED_CHARS) return null;
  try {
    const parsed: unknown = JSON.parse(raw);
    return Array.isArray(parsed) && parsed.length > 0 ? parsed : null;
  } catch {
    return null;
  }
}

export function saveSession(catalog: string, ids: readonly (string | number)[]): void {
  try {
    localStorage.setItem(SESSION_KEY(catalog), JSON.stringify(ids.slice(-MAX_SESSION_ITEMS)));
  } catch {
    // storage full or disabled: the session still works, it just won't survive a reload
  }
}

function isChoice(x: string | null): x is BackendChoice {
  return x === 'auto' || (x !== null && (BACKENDS as readonly string[]).includes(x));
}

/** `?backend=` in the URL wins over the saved setting (handy for links and tests). */
export function loadBackendChoice(): BackendChoice {
  const fromUrl = new URLSearchParams(location.search).get('backend');
  if (isChoice(fromUrl)) return fromUrl;
  const saved = safeGet(BACKEND_KEY);
  if (saved === null || isChoice(saved)) return saved ?? 'auto';
  safeRemove(BACKEND_KEY);
  notes.push(`The saved compute backend setting was not one of automatic, ${BACKENDS.join(', ')}; it was reset to automatic.`);
  return 'auto';
}

/** Seconds an artifact download may take before the page names it and goes on without it. */
export const DEFAULT_DOWNLOAD_TIMEOUT_S = 30;

/** `?timeout=<seconds>` in the URL (1-600) sets the per-file download timeout, e.g. for a slow connection. */
export function downloadTimeoutMs(): number {
  const raw = Number(new URLSearchParams(location.search).get('timeout'));
  return Number.isFinite(raw) && raw >= 1 && raw <= 600 ? raw * 1000 : DEFAULT_DOWNLOAD_TIMEOUT_S * 1000;
}

export function saveBackendChoice(choice: BackendChoice): void {
  try {
    localStorage.setItem(BACKEND_KEY, choice);
  } catch {
    // storage disabled: the setting holds until the page is closed
  }
}
