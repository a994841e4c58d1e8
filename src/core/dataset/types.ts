/**
 * The in-memory shapes of a dataset. Items are addressed internally by a dense index
 * 0..nItems-1 (the catalog order); the dataset's own ids appear only at input/output.
 * Sessions use a CSR layout (offsets into one flat item array) so hot loops touch only
 * typed arrays.
 */

export interface Catalog {
  /** The dataset's item id for each dense index. */
  readonly ids: Int32Array;
  /** Item titles by dense index (may be empty strings). */
  readonly titles: readonly string[];
  /** Dataset item id -> dense index. */
  readonly indexOf: ReadonlyMap<number, number>;
}

export interface SessionSet {
  /** The dataset's session id for each session. */
  readonly ids: Int32Array;
  /** Session s owns items[offsets[s] .. offsets[s+1]). Length = nSessions + 1. */
  readonly offsets: Int32Array;
  /** Dense item indices, time-ordered within each session. */
  readonly items: Int32Array;
  /**
   * Unix seconds, aligned with `items`; for a dataset without timestamps (`Dataset.order`
   * 'position'), the position of the item in its session.
   */
  readonly times: Float64Array;
  /**
   * Item -> the sessions holding it, when no session repeats an item: written offline into
   * sessions.bin (see artifacts/sessions.ts) so the browser does not build it before the first
   * recommendation. Absent: the models that need it build it.
   */
  readonly byItem?: ItemSessions;
}

/** CSR: the sessions holding item i are sessions[offsets[i] .. offsets[i+1]), ascending. */
export interface ItemSessions {
  /** Length = the catalog's item count + 1. */
  readonly offsets: Int32Array;
  /** Session indices; Uint16Array when there are at most 65,536 sessions. */
  readonly sessions: Uint16Array | Int32Array;
}

/** Prompt/target pairs for next-item evaluation (n_withheld = 1). */
export interface EvalCases {
  readonly sessionIds: Int32Array;
  /** Prompt of case c is promptItems[promptOffsets[c] .. promptOffsets[c+1]). */
  readonly promptOffsets: Int32Array;
  readonly promptItems: Int32Array;
  /** The withheld last item of each case. */
  readonly targets: Int32Array;
}

/**
 * How a dataset's interactions are ordered: by timestamp (the paper's temporal split applies)
 * or only by position within a session (no timestamps: a seeded random split of sessions).
 */
export type InteractionOrder = 'timestamp' | 'position';

export interface Dataset {
  readonly name: string;
  readonly catalog: Catalog;
  readonly sessions: SessionSet;
  /** Default 'timestamp'. */
  readonly order?: InteractionOrder;
}

export function sessionCount(s: SessionSet): number {
  return s.offsets.length - 1;
}

export function caseCount(c: EvalCases): number {
  return c.targets.length;
}

export function sessionItems(s: SessionSet, i: number): Int32Array {
  return s.items.subarray(s.offsets[i], s.offsets[i + 1]);
}

export function prompt(c: EvalCases, i: number): Int32Array {
  return c.promptItems.subarray(c.promptOffsets[i], c.promptOffsets[i + 1]);
}
