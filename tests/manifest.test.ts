import { describe, expect, it } from 'vitest';
import { parseManifest, sha256Hex, verifyFile } from '../src/core/artifacts/manifest.js';
import { InputError } from '../src/core/errors.js';
import { loadEmbeddings, readManifest } from '../src/node/artifacts.js';
import { loadDataset } from '../src/node/dataset-files.js';

const good = {
  format: 'llmseqrec-manifest',
  version: 1,
  dataset: 'beauty',
  createdAt: '2026-01-01T00:00:00Z',
  catalog: { file: 'catalog.json', bytes: 3, sha256: 'a'.repeat(64), count: 1 },
  embeddings: [],
};

describe('artifact manifest', () => {
  it('accepts a valid manifest', () => {
    expect(parseManifest(JSON.stringify(good)).dataset).toBe('beauty');
  });

  it('names the file and the field that is wrong', () => {
    const bad = { ...good, catalog: { ...good.catalog, sha256: 'xyz', file: '../etc/passwd' } };
    expect(() => parseManifest(JSON.stringify(bad), 'public/models/beauty/manifest.json')).toThrow(
      /^public\/models\/beauty\/manifest\.json: does not match the expected format: catalog\.file: must be a relative path.*catalog\.sha256: must be a lowercase hex sha256/,
    );
    expect(() => parseManifest('{"format": ', 'm.json')).toThrow(/^m\.json:1:12: not valid JSON: a value was expected$/);
  });

  it('detects truncated and corrupted files', async () => {
    const bytes = new TextEncoder().encode('abc');
    const ref = { file: 'x.bin', bytes: 3, sha256: await sha256Hex(bytes) };
    await expect(verifyFile(bytes, ref)).resolves.toBeUndefined();
    await expect(verifyFile(bytes.subarray(0, 2), ref)).rejects.toThrow('x.bin: is 2 bytes, the manifest says 3 (truncated or replaced?)');
    await expect(verifyFile(new TextEncoder().encode('abd'), ref)).rejects.toThrow(/^x\.bin: checksum mismatch/);
    await expect(verifyFile(bytes.subarray(0, 2), ref)).rejects.toBeInstanceOf(InputError);
  });

  it('the committed Beauty artifacts match the manifest and the data', async () => {
    const m = readManifest('beauty');
    expect(m?.catalog.count).toBe(12101);
    const ds = loadDataset('beauty');
    const e = await loadEmbeddings('beauty', ds.catalog);
    expect(e.vectors.rows).toBe(12101);
    expect(e.entry.emptyTitleItemIds).toHaveLength(7);
  });
});
