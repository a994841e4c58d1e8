/**
 * A stored session (the catalog's own item ids, as read back from storage) as dense indices:
 * only ids the catalog has, each once, at most `max` (the most recent). One rule for the page
 * (which restores the session and reports what it dropped) and the scoring worker (which
 * answers the stored session before the page asks), so both arrive at the same items.
 */
/** A session longer than this is cut to its most recent items (a real one has a handful). */
export const MAX_SESSION_ITEMS = 200;

export interface RestoredSession {
  readonly items: number[];
  /** Values that are not item ids (neither a string nor a safe integer). */
  readonly invalid: number;
  /** Ids this catalog does not have. */
  readonly unknown: number;
  readonly repeated: number;
  /** The oldest items beyond `max`, dropped. */
  readonly cut: number;
}

export function restoreSession(stored: readonly unknown[], indexOf: (id: string | number) => number | undefined, max: number): RestoredSession {
  const items: number[] = [];
  const seen = new Set<number>();
  let invalid = 0;
  let unknown = 0;
  let repeated = 0;
  for (const id of stored) {
    if (!(typeof id === 'string' || (typeof id === 'number' && Number.isSafeInteger(id)))) {
      invalid++;
      continue;
    }
    const i = indexOf(id);
    if (i === undefined) unknown++;
    else if (seen.has(i)) repeated++;
    else {
      seen.add(i);
      items.push(i);
    }
  }
  const cut = Math.max(0, items.length - max);
  return { items: cut > 0 ? items.slice(cut) : items, invalid, unknown, repeated, cut };
}
