import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeSessions, encodeSessions } from '../src/core/artifacts/sessions.js';
import { makeProtocol } from '../src/evaluation/protocol.js';
import { readManifest } from '../src/node/artifacts.js';
import { loadDataset } from '../src/node/dataset-files.js';
import { artifactsDir } from '../src/node/paths.js';
import { fitSknn, SKNN_DEFAULTS } from '../src/recommenders/sknn.js';

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
    const { bytes, shape } = encodeSessions(p.split.train, p.split.test);
    const { train } = decodeSessions(bytes, shape, n, 'sessions.bin');
    for (const sampling of ['random', 'recent'] as const) {
      const cfg = { ...SKNN_DEFAULTS['v-sknn'], sampleSize: 100, k: 50, sampling };
      const a = fitSknn({ train: p.split.train, nItems: n }, 'v-sknn', cfg);
      const b = fitSknn({ train, nItems: n }, 'v-sknn', cfg);
      for (let c = 0; c < 300; c++) {
        const prompt = p.split.test.promptItems.subarray(p.split.test.promptOffsets[c], p.split.test.promptOffsets[c + 1]);
        expect(Array.from(b.recommend(prompt, 20).items)).toEqual(Array.from(a.recommend(prompt, 20).items));
      }
    }
  });

  it('rejects a truncated or inconsistent file, naming it', () => {
    const { bytes, shape } = encodeSessions(p.split.train, p.split.test);
    expect(() => decodeSessions(bytes.subarray(0, 100), shape, n, 'sessions.bin')).toThrow(/^sessions\.bin: is 100 bytes/);
    const broken = bytes.slice();
    new DataView(broken.buffer).setInt32((shape.trainSessions + 1 + 5) * 4, n + 7, true); // an item out of range
    expect(() => decodeSessions(broken, shape, n, 'sessions.bin')).toThrow(/sessions\.bin: is inconsistent: item index 12108/);
  });
});
