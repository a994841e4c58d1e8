import { InputError } from '../errors.js';
import type { EvalCases, SessionSet } from '../dataset/types.js';

/**
 * The split the app needs to run session-based models and show real test sessions, as one
 * little-endian Int32 file: train offsets (nTrain+1), train items, train session last
 * timestamps (nTrain, unix seconds), test session ids (nTest), test prompt offsets (nTest+1),
 * test prompt items, test targets (nTest). Item values are dense catalog indices.
 */
export interface SessionsShape {
  readonly trainSessions: number;
  readonly trainInteractions: number;
  readonly testCases: number;
  readonly testPromptItems: number;
}

export function sessionsInts(s: SessionsShape): number {
  return s.trainSessions + 1 + s.trainInteractions + s.trainSessions + s.testCases + s.testCases + 1 + s.testPromptItems + s.testCases;
}

export function encodeSessions(train: SessionSet, test: EvalCases): { bytes: Uint8Array; shape: SessionsShape } {
  const shape: SessionsShape = {
    trainSessions: train.offsets.length - 1,
    trainInteractions: train.items.length,
    testCases: test.targets.length,
    testPromptItems: test.promptItems.length,
  };
  const out = new Int32Array(sessionsInts(shape));
  let p = 0;
  const put = (a: ArrayLike<number>) => {
    out.set(a, p);
    p += a.length;
  };
  put(train.offsets);
  put(train.items);
  const last = new Int32Array(shape.trainSessions);
  for (let s = 0; s < shape.trainSessions; s++) {
    let m = -Infinity;
    for (let q = train.offsets[s]; q < train.offsets[s + 1]; q++) m = Math.max(m, train.times[q]);
    last[s] = Math.floor(m);
  }
  put(last);
  put(test.sessionIds);
  put(test.promptOffsets);
  put(test.promptItems);
  put(test.targets);
  return { bytes: new Uint8Array(out.buffer), shape };
}

export function decodeSessions(bytes: Uint8Array, shape: SessionsShape, nItems: number, file: string): { train: SessionSet; test: EvalCases } {
  const expected = sessionsInts(shape) * 4;
  if (bytes.byteLength !== expected) throw new InputError(file, `is ${bytes.byteLength} bytes, the manifest's shape needs ${expected}`);
  const all = new Int32Array(sessionsInts(shape));
  new Uint8Array(all.buffer).set(bytes);
  let p = 0;
  const take = (n: number) => all.subarray(p, (p += n));
  const offsets = take(shape.trainSessions + 1);
  const items = take(shape.trainInteractions);
  const last = take(shape.trainSessions);
  const sessionIds = take(shape.testCases);
  const promptOffsets = take(shape.testCases + 1);
  const promptItems = take(shape.testPromptItems);
  const targets = take(shape.testCases);
  const bad = (what: string) => new InputError(file, `is inconsistent: ${what}`);
  if (offsets[0] !== 0 || offsets[shape.trainSessions] !== shape.trainInteractions) throw bad('train offsets');
  if (promptOffsets[0] !== 0 || promptOffsets[shape.testCases] !== shape.testPromptItems) throw bad('test offsets');
  for (const arr of [items, promptItems, targets]) for (let i = 0; i < arr.length; i++) if (arr[i] < 0 || arr[i] >= nItems) throw bad(`item index ${arr[i]} outside the catalog (${nItems} items)`);
  const times = new Float64Array(shape.trainInteractions);
  for (let s = 0; s < shape.trainSessions; s++) times.fill(last[s], offsets[s], offsets[s + 1]);
  const ids = new Int32Array(shape.trainSessions); // a loop: Int32Array.from with a map function is slow on first use
  for (let i = 0; i < ids.length; i++) ids[i] = i;
  return { train: { ids, offsets, items, times }, test: { sessionIds, promptOffsets, promptItems, targets } };
}
