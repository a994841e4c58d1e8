import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type CheckedMemo, loadArtifacts, onceReader } from '../src/core/artifacts/loader.js';
import { markChecked, verifyFile } from '../src/core/artifacts/file-checks.js';
import { sha256Hex } from '../src/core/artifacts/manifest.js';

/** The committed Beauty artifacts the first recommendation needs, in memory. */
const DIR = join(import.meta.dirname, '../public/models/beauty');
const manifest = JSON.parse(readFileSync(join(DIR, 'manifest.json'), 'utf8')) as {
  catalog: { file: string };
  sessions: { file: string };
  embeddings: { file: string }[];
  evaluation: { file: string; bytes: number; sha256: string };
};
const FILES = ['manifest.json', manifest.catalog.file, manifest.sessions.file, manifest.embeddings[0].file, manifest.evaluation.file];
const original = new Map(FILES.map((f) => [f, new Uint8Array(readFileSync(join(DIR, f)))]));
const reader = (files: Map<string, Uint8Array>) => onceReader(async (f: string) => files.get(f)!.slice());

function memo(): CheckedMemo & { keys: Set<string>; hits: string[] } {
  const keys = new Set<string>();
  const hits: string[] = [];
  return {
    keys,
    hits,
    has: async (check, sha) => (keys.has(`${check}|${sha}`) ? hits.push(check) > 0 : false),
    add: (check, sha) => void keys.add(`${check}|${sha}`),
  };
}

/** The artifacts with eval.json replaced by `text` (the manifest updated to its size and hash, as `cli report` would). */
async function withReport(text: string): Promise<Map<string, Uint8Array>> {
  const bytes = new TextEncoder().encode(text);
  const m = structuredClone(manifest);
  m.evaluation = { ...m.evaluation, bytes: bytes.byteLength, sha256: await sha256Hex(bytes) };
  const files = new Map(original);
  files.set(manifest.evaluation.file, bytes);
  files.set('manifest.json', new TextEncoder().encode(JSON.stringify(m)));
  return files;
}

describe('contents checked on an earlier load are not checked again (the repeat visit)', () => {
  it('a second load of the same bytes gives the same artifacts, from what the first load remembered', async () => {
    const m = memo();
    const first = await loadArtifacts(reader(original), undefined, m);
    expect(first.problems).toEqual([]);
    expect([...m.keys].map((k) => k.split('|')[0]).sort()).toEqual(['catalog', 'manifest', 'report']);
    expect(m.hits).toEqual([]);
    const again = await loadArtifacts(reader(original), undefined, m);
    expect(m.hits.sort()).toEqual(['catalog', 'manifest', 'report']);
    expect(again.problems).toEqual([]);
    expect(again.manifest).toEqual(first.manifest);
    expect(again.titles).toEqual(first.titles);
    expect(Array.from(again.ids)).toEqual(Array.from(first.ids));
    expect(again.report).toEqual(first.report);
    expect(again).toEqual(first);
  });

  it('a changed report is checked again and its fault named, even after the old one was remembered', async () => {
    const m = memo();
    await loadArtifacts(reader(original), undefined, m);
    const report = JSON.parse(new TextDecoder().decode(original.get(manifest.evaluation.file))) as { results: { sessions: unknown }[] };
    report.results[0].sessions = 'many';
    const loaded = await loadArtifacts(reader(await withReport(JSON.stringify(report))), undefined, m);
    expect(loaded.report).toBeNull();
    expect(loaded.problems.map((p) => p.message).join('\n')).toMatch(/eval\.json: does not match the expected format: results\.0\.sessions/);
  });

  it('what the schema would change (an unknown key it strips) is never remembered, so it is always checked', async () => {
    const m = memo();
    const report = JSON.parse(new TextDecoder().decode(original.get(manifest.evaluation.file))) as Record<string, unknown>;
    const files = await withReport(JSON.stringify({ ...report, extra: 1 }));
    const loaded = await loadArtifacts(reader(files), undefined, m);
    expect(loaded.report).not.toHaveProperty('extra');
    expect([...m.keys].some((k) => k.startsWith('report|'))).toBe(false);
  });
});

describe('bytes the page already hashed', () => {
  const bytes = new TextEncoder().encode('{"a":1}');
  it('are accepted against the same hash without hashing again, and still refused against another', async () => {
    const sha = await sha256Hex(bytes);
    const ref = { file: 'x.json', bytes: bytes.byteLength, sha256: sha };
    const marked = bytes.slice();
    markChecked(marked, sha);
    await expect(verifyFile(marked, ref)).resolves.toBeUndefined();
    // Marked with another hash (or corrupt after the page read it): hashed here, and the mismatch named.
    const wrong = new TextEncoder().encode('{"a":2}');
    markChecked(wrong, 'f'.repeat(64));
    await expect(verifyFile(wrong, ref)).rejects.toThrow(/x\.json: checksum mismatch/);
  });
});
