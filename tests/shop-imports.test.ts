import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * The storefront (src/shop/) and the library demo page (src/lib-demo/) are built on the
 * library's public API only: they may import React, the package entries `llmseqrec` and
 * `llmseqrec/react`, and their own files, nothing else of the app.
 */
const ROOT = join(import.meta.dirname, '..');

function sources(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { recursive: true, encoding: 'utf8' })
    .filter((f) => /\.(ts|tsx)$/.test(f))
    .map((f) => join(dir, f));
}

function importsOf(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(/(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]/g)) out.push(m[1]);
  for (const m of text.matchAll(/(?:^|\n)\s*import\s+['"]([^'"]+)['"]/g)) out.push(m[1]);
  for (const m of text.matchAll(/import\(\s*['"]([^'"]+)['"]\s*\)/g)) out.push(m[1]);
  return out;
}

const ALLOWED = new Set(['react', 'llmseqrec', 'llmseqrec/react']);

describe('the storefront uses only the library', () => {
  for (const dir of ['src/shop', 'src/lib-demo']) {
    it(`${dir} imports only React, llmseqrec and its own files`, () => {
      const files = sources(dir);
      expect(files.length).toBeGreaterThan(0);
      const bad: string[] = [];
      for (const f of files) {
        for (const spec of importsOf(readFileSync(join(ROOT, f), 'utf8'))) {
          const own = spec.startsWith('./'); // same folder only: no ../ into the app
          if (!own && !ALLOWED.has(spec)) bad.push(`${f}: ${spec}`);
        }
      }
      expect(bad).toEqual([]);
    });
  }

  it('the scan sees a forbidden import (self-check on a sample)', () => {
    expect(importsOf("import { Engine } from '../app/engine/engine.js';\nimport type { X } from 'llmseqrec';")).toEqual([
      '../app/engine/engine.js',
      'llmseqrec',
    ]);
  });
});
