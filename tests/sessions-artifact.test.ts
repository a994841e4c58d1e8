import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeSessions, encodeSessions } from '../src/core/artifacts/sessions.js';
import { makeProtocol } from '../src/evaluation/protocol.js';
import { readManifest } from '../src/node/artifacts.js';
import { loadDataset } from '../src/node/dataset-files.js';
import { artifactsDir } from '../src/node/paths.js';
import { fitMostPopular } from '../src/recommenders/popularity.js';
import { fitSknn, SKNN_DEFAULTS } from '../src/recommenders/sknn.js';
import { sessionsOf } from './helpers.js';

describe('the sessions artifact the app loads', () => {
  const ds = loadDataset('beauty');
  const p = makeProtocol(ds);
  const n = ds.catalog.ids.length;

  it('is committed and matches the split', () => {
    const m = readManifest('beauty');
    expect(m?.sessions).toBeDefined();
    const bytes = new Uint8Array(readFileSync(join(artifactsDir('beauty'), m!.sessions!.file)));
    const { train, test } = decodeSessions(bytes, m!.sessions!, n, m!.sessions!.file);
    expect(Array.from(train.items)).toEqual(Array.from(p.split.train.items));
    expect(Array.from(test.targets)).toEqual(Array.from(p.split.test.targets));
    expect(Array.from(test.sessionIds)).toEqual(Array.from(p.split.test.sessionIds));
  });

  it('gives session models the same recommendations as the full data (random and recent sampling)', () => {
    const { bytes, shape } = encodeSessions(p.split.train, p.split.test, n);
    // Beauty's sessions repeat no item: the file carries the item -> sessions index, in uint16.
    expect(shape.encoding).toEqual({ items: 'uint16', byItem: 'uint16' });
    const { train } = decodeSessions(bytes, shape, n, 'sessions.bin');
    expect(train.byItem).toBeDefined();
    // Also with items added to the catalog after the file was written (the app's "add an item").
    for (const nItems of [n, n + 3]) {
      for (const sampling of ['random', 'recent'] as const) {
        const cfg = { ...SKNN_DEFAULTS['v-sknn'], sampleSize: 100, k: 50, sampling };
        const a = fitSknn({ train: p.split.train, nItems }, 'v-sknn', cfg);
        const b = fitSknn({ train, nItems }, 'v-sknn', cfg);
        for (let c = 0; c < 300; c++) {
          const prompt = p.split.test.promptItems.subarray(p.split.test.promptOffsets[c], p.split.test.promptOffsets[c + 1]);
          expect(Array.from(b.recommend(prompt, 20).items)).toEqual(Array.from(a.recommend(prompt, 20).items));
        }
      }
      const prompt = Int32Array.of(5, 7);
      const popA = fitMostPopular({ train: p.split.train, nItems }).recommend(prompt, 50);
      const popB = fitMostPopular({ train, nItems }).recommend(prompt, 50);
      expect(Array.from(popB.items)).toEqual(Array.from(popA.items));
      expect(Array.from(popB.scores)).toEqual(Array.from(popA.scores));
    }
  });

  it('reads the older all-Int32 layout (a manifest entry without encoding)', () => {
    const { train: t, test } = p.split;
    const last = new Int32Array(t.offsets.length - 1);
    for (let s = 0; s < last.length; s++) last[s] = t.times[t.offsets[s + 1] - 1];
    const parts = [t.offsets, t.items, last, test.sessionIds, test.promptOffsets, test.promptItems, test.targets];
    const v1 = new Int32Array(parts.reduce((a, x) => a + x.length, 0));
    parts.reduce((at, x) => (v1.set(x, at), at + x.length), 0);
    const shape = { trainSessions: last.length, trainInteractions: t.items.length, testCases: test.targets.length, testPromptItems: test.promptItems.length };
    const { train, test: got } = decodeSessions(new Uint8Array(v1.buffer), shape, n, 'sessions.bin');
    expect(train.byItem).toBeUndefined();
    expect(Array.from(train.items)).toEqual(Array.from(t.items));
    expect(Array.from(got.promptItems)).toEqual(Array.from(test.promptItems));
    expect(Array.from(got.targets)).toEqual(Array.from(test.targets));
  });

  it('leaves the index out when a session repeats an item, and the models build their own', () => {
    const train = sessionsOf([[0, 1, 0, 2], [1, 3], [2, 3, 4]], [100, 200, 300]);
    const test = { sessionIds: Int32Array.of(9), promptOffsets: Int32Array.of(0, 2), promptItems: Int32Array.of(0, 3), targets: Int32Array.of(4) };
    const { bytes, shape } = encodeSessions(train, test, 5);
    expect(shape.encoding).toEqual({ items: 'uint16', byItem: null });
    const decoded = decodeSessions(bytes, shape, 5, 'sessions.bin').train;
    expect(decoded.byItem).toBeUndefined();
    const cfg = { ...SKNN_DEFAULTS['v-sknn'], sampleSize: 10, k: 5 };
    expect(Array.from(fitSknn({ train: decoded, nItems: 5 }, 'v-sknn', cfg).recommend(Int32Array.of(1), 4).items)).toEqual(
      Array.from(fitSknn({ train, nItems: 5 }, 'v-sknn', cfg).recommend(Int32Array.of(1), 4).items),
    );
    // MostPopular counts every interaction, the repeat too: item 0 first.
    expect(fitMostPopular({ train: decoded, nItems: 5 }).recommend(Int32Array.of(), 1).items[0]).toBe(0);
  });

  it('rejects a truncated or inconsistent file, naming it', () => {
    const { bytes, shape } = encodeSessions(p.split.train, p.split.test, n);
    expect(() => decodeSessions(bytes.subarray(0, 100), shape, n, 'sessions.bin')).toThrow(/^sessions\.bin: is 100 bytes/);
    const ints = 2 * shape.trainSessions + 1 + 3 * shape.testCases + 1 + n + 1; // where the uint16 items start
    const broken = bytes.slice();
    new DataView(broken.buffer).setUint16(ints * 4 + 5 * 2, n + 7, true); // an item out of range
    expect(() => decodeSessions(broken, shape, n, 'sessions.bin')).toThrow(/sessions\.bin: is inconsistent: item index 12108/);
    const badIndex = bytes.slice();
    const sessionsAt = ints * 4 + Math.ceil(((shape.trainInteractions + shape.testPromptItems) * 2) / 4) * 4;
    new DataView(badIndex.buffer).setUint16(sessionsAt + 2 * 10, shape.trainSessions + 1, true); // a session out of range
    expect(() => decodeSessions(badIndex, shape, n, 'sessions.bin')).toThrow(/sessions\.bin: is inconsistent: item index names session 17891/);
  });
});
