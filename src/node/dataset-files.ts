import { existsSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { parseDataset } from '../core/dataset/load.js';
import type { Dataset } from '../core/dataset/types.js';
import { InputError } from '../core/errors.js';
import { decodeUtf8 } from './json-file.js';
import { datasetDir, ROOT } from './paths.js';

/** Reads `<dir>/<base>` or `<dir>/<base>.gz` as UTF-8 text. */
export function readMaybeGz(dir: string, base: string): { text: string; file: string } {
  for (const name of [base, `${base}.gz`]) {
    const path = join(dir, name);
    if (!existsSync(path)) continue;
    const raw = readFileSync(path);
    const file = relative(ROOT, path) || path;
    try {
      const bytes = name.endsWith('.gz') ? gunzipSync(raw) : raw;
      // Strict UTF-8: invalid bytes would silently become U+FFFD in ids and titles.
      return { text: decodeUtf8(bytes, file), file };
    } catch (e) {
      if (e instanceof InputError) throw e;
      throw new InputError(file, `cannot be decompressed (${(e as Error).message})`);
    }
  }
  throw new InputError(join(dir, base), `not found (looked for ${base} and ${base}.gz)`);
}

/** Loads a dataset folder holding items.csv(.gz) and interactions.csv(.gz). */
export function loadDatasetDir(name: string, dir: string): Dataset {
  return parseDataset(name, readMaybeGz(dir, 'items.csv'), readMaybeGz(dir, 'interactions.csv'));
}

/** Loads a dataset shipped in the repo under data/<name>/. */
export function loadDataset(name: string): Dataset {
  const dir = datasetDir(name);
  if (!existsSync(dir)) throw new InputError(relative(ROOT, dir), `no such dataset folder (datasets live in data/<name>/)`);
  return loadDatasetDir(name, dir);
}
