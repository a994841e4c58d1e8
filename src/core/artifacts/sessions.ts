import { InputError } from '../errors.js';
import { distinctSessionItems, itemSessionsOf } from '../dataset/item-sessions.js';
import type { EvalCases, ItemSessions, SessionSet } from '../dataset/types.js';

/**
 * The split the app needs to run session-based models and show real test sessions, as one
 * little-endian binary file. Item values are dense catalog indices.
 *
 * Layout 1 (a manifest entry without `encoding`): Int32 throughout: train offsets (nTrain+1),
 * train items, train session last timestamps (nTrain, unix seconds), test session ids (nTest),
 * test prompt offsets (nTest+1), test prompt items, test targets (nTest).
 *
 * Layout 2 (`encoding` given, what the CLI writes): first the Int32 arrays: train offsets,
 * last timestamps, test session ids, test prompt offsets, test targets and, with `byItem`, the
 * item offsets of the item -> sessions index (nItems+1); then the train items and the test
 * prompt items as `encoding.items`; then, with `byItem`, the train sessions holding each item
 * as `encoding.byItem` (one per train interaction: written only when no train session repeats
 * an item). Each part is padded to 4 bytes. Uint16 where the values fit: the file is about the
 * size of layout 1 with the index the session models would otherwise build in the browser.
 */
export type SessionIntType = 'uint16' | 'int32';

export interface SessionsEncoding {
  readonly items: SessionIntType;
  readonly byItem: SessionIntType | null;
}

export interface SessionsShape {
  readonly trainSessions: number;
  readonly trainInteractions: number;
  readonly testCases: number;
  readonly testPromptItems: number;
  readonly encoding?: SessionsEncoding;
}

const UINT16_VALUES = 65_536;
const widthOf = (t: SessionIntType): number => (t === 'uint16' ? 2 : 4);
const pad4 = (n: number): number => (n + 3) & ~3;

interface Layout {
  /** Int32 values at the start. */
  readonly ints: number;
  readonly itemsAt: number;
  readonly byItemAt: number;
  readonly bytes: number;
}

function layoutOf(s: SessionsShape, nItems: number): Layout {
  const e = s.encoding;
  if (!e) {
    const ints = s.trainSessions + 1 + s.trainInteractions + s.trainSessions + s.testCases + s.testCases + 1 + s.testPromptItems + s.testCases;
    return { ints, itemsAt: -1, byItemAt: -1, bytes: ints * 4 };
  }
  const ints = s.trainSessions + 1 + s.trainSessions + s.testCases + s.testCases + 1 + s.testCases + (e.byItem ? nItems + 1 : 0);
  const itemsAt = ints * 4;
  const byItemAt = itemsAt + pad4((s.trainInteractions + s.testPromptItems) * widthOf(e.items));
  return { ints, itemsAt, byItemAt, bytes: byItemAt + (e.byItem ? pad4(s.trainInteractions * widthOf(e.byItem)) : 0) };
}

/** The file's size for a shape (and the catalog's item count, which the index's offsets cover). */
export function sessionsBytes(s: SessionsShape, nItems: number): number {
  return layoutOf(s, nItems).bytes;
}

export function encodeSessions(train: SessionSet, test: EvalCases, nItems: number): { bytes: Uint8Array; shape: SessionsShape } {
  const nTrain = train.offsets.length - 1;
  const distinct = distinctSessionItems(train, nItems);
  const byItem = distinct.repeats ? null : itemSessionsOf(distinct, nItems);
  const shape: SessionsShape = {
    trainSessions: nTrain,
    trainInteractions: train.items.length,
    testCases: test.targets.length,
    testPromptItems: test.promptItems.length,
    encoding: {
      items: nItems <= UINT16_VALUES ? 'uint16' : 'int32',
      byItem: byItem ? (byItem.sessions instanceof Uint16Array ? 'uint16' : 'int32') : null,
    },
  };
  const { ints, itemsAt, byItemAt, bytes } = layoutOf(shape, nItems);
  const out = new Uint8Array(bytes);
  const head = new Int32Array(out.buffer, 0, ints);
  let p = 0;
  const put = (a: ArrayLike<number>) => {
    head.set(a, p);
    p += a.length;
  };
  put(train.offsets);
  const last = new Int32Array(nTrain);
  for (let s = 0; s < nTrain; s++) {
    let m = -Infinity;
    for (let q = train.offsets[s]; q < train.offsets[s + 1]; q++) m = Math.max(m, train.times[q]);
    last[s] = Math.floor(m);
  }
  put(last);
  put(test.sessionIds);
  put(test.promptOffsets);
  put(test.targets);
  if (byItem) put(byItem.offsets);
  const n = train.items.length + test.promptItems.length;
  const items = shape.encoding!.items === 'uint16' ? new Uint16Array(out.buffer, itemsAt, n) : new Int32Array(out.buffer, itemsAt, n);
  items.set(train.items);
  items.set(test.promptItems, train.items.length);
  if (byItem) {
    const view = byItem.sessions instanceof Uint16Array ? new Uint16Array(out.buffer, byItemAt, byItem.sessions.length) : new Int32Array(out.buffer, byItemAt, byItem.sessions.length);
    view.set(byItem.sessions);
  }
  return { bytes: out, shape };
}

export function decodeSessions(bytes: Uint8Array, shape: SessionsShape, nItems: number, file: string): { train: SessionSet; test: EvalCases } {
  const { ints, itemsAt, byItemAt, bytes: expected } = layoutOf(shape, nItems);
  if (bytes.byteLength !== expected) throw new InputError(file, `is ${bytes.byteLength} bytes, the manifest's shape needs ${expected}`);
  // Typed-array views need aligned offsets: a buffer of exactly the file (the worker's) is used as it is.
  const own = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength ? bytes : bytes.slice();
  const buffer = own.buffer as ArrayBuffer;
  const all = new Int32Array(buffer, 0, ints);
  let p = 0;
  const take = (n: number) => all.subarray(p, (p += n));
  const e = shape.encoding;
  const offsets = take(shape.trainSessions + 1);
  let items: Int32Array;
  let promptItems: Int32Array;
  let last: Int32Array;
  let sessionIds: Int32Array;
  let promptOffsets: Int32Array;
  let targets: Int32Array;
  let byItem: ItemSessions | undefined;
  const bad = (what: string) => new InputError(file, `is inconsistent: ${what}`);
  if (!e) {
    items = take(shape.trainInteractions);
    last = take(shape.trainSessions);
    sessionIds = take(shape.testCases);
    promptOffsets = take(shape.testCases + 1);
    promptItems = take(shape.testPromptItems);
    targets = take(shape.testCases);
  } else {
    last = take(shape.trainSessions);
    sessionIds = take(shape.testCases);
    promptOffsets = take(shape.testCases + 1);
    targets = take(shape.testCases);
    const n = shape.trainInteractions + shape.testPromptItems;
    // Int32 in memory (the models index with them): a native conversion from uint16.
    const packed = e.items === 'uint16' ? new Int32Array(new Uint16Array(buffer, itemsAt, n)) : new Int32Array(buffer, itemsAt, n);
    items = packed.subarray(0, shape.trainInteractions);
    promptItems = packed.subarray(shape.trainInteractions);
    if (e.byItem) {
      const sessions = e.byItem === 'uint16' ? new Uint16Array(buffer, byItemAt, shape.trainInteractions) : new Int32Array(buffer, byItemAt, shape.trainInteractions);
      byItem = { offsets: take(nItems + 1), sessions };
    }
  }
  if (offsets[0] !== 0 || offsets[shape.trainSessions] !== shape.trainInteractions) throw bad('train offsets');
  if (promptOffsets[0] !== 0 || promptOffsets[shape.testCases] !== shape.testPromptItems) throw bad('test offsets');
  for (const arr of [items, promptItems, targets]) for (let i = 0; i < arr.length; i++) if (arr[i] < 0 || arr[i] >= nItems) throw bad(`item index ${arr[i]} outside the catalog (${nItems} items)`);
  if (byItem) checkByItem(byItem, shape, bad);
  const times = new Float64Array(shape.trainInteractions);
  for (let s = 0; s < shape.trainSessions; s++) times.fill(last[s], offsets[s], offsets[s + 1]);
  const ids = new Int32Array(shape.trainSessions); // a loop: Int32Array.from with a map function is slow on first use
  for (let i = 0; i < ids.length; i++) ids[i] = i;
  return { train: { ids, offsets, items, times, ...(byItem ? { byItem } : {}) }, test: { sessionIds, promptOffsets, promptItems, targets } };
}

/** The index's shape: offsets from 0 to one entry per train interaction, sessions in range. */
function checkByItem(b: ItemSessions, shape: SessionsShape, bad: (what: string) => InputError): void {
  const o = b.offsets;
  if (o[0] !== 0 || o[o.length - 1] !== shape.trainInteractions) throw bad('item index offsets');
  for (let i = 1; i < o.length; i++) if (o[i] < o[i - 1]) throw bad(`item index offsets decrease at item ${i - 1}`);
  for (let q = 0; q < b.sessions.length; q++) if (b.sessions[q] >= shape.trainSessions || b.sessions[q] < 0) throw bad(`item index names session ${b.sessions[q]} (${shape.trainSessions} train sessions)`);
}
