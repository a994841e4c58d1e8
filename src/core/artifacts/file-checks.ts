import { InputError } from '../errors.js';
import { parseJson } from '../json.js';
import type { CatalogFile, FileRef, Manifest, TrainedEntry } from './manifest.js';
import { sha256Hex } from './sha256.js';

/**
 * The artifact checks that need no schema library: they run on the way to the first
 * recommendation, and the worker's entry imports them (and only types from manifest.ts), so
 * zod's code is not evaluated there before the first answer (see loader.ts).
 */

/** Every model with trained files the manifest lists (sequential, then prompt models). */
export function trainedEntries(m: Pick<Manifest, 'sequentialModels' | 'promptModels'>): TrainedEntry[] {
  return [...(m.sequentialModels ?? []), ...(m.promptModels ?? [])];
}

/**
 * The catalog file, checked by hand rather than with the CatalogFile schema: it is on the path
 * to the first recommendation, and zod's per-element check of its ~24k values took 60-72 ms on
 * first use in a fresh Node process; a plain loop does the same checks. Same rules, errors name the file and index.
 */
export function parseCatalogFile(text: string, file: string): CatalogFile {
  const raw = parseJson(text, file) as Partial<Record<keyof CatalogFile, unknown>> | null;
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw new InputError(file, 'does not match the expected format: not a JSON object');
  const { dataset, ids, titles } = raw;
  if (typeof dataset !== 'string') throw new InputError(file, 'does not match the expected format: "dataset" must be a string');
  if (!Array.isArray(ids)) throw new InputError(file, 'does not match the expected format: "ids" must be an array');
  if (!Array.isArray(titles)) throw new InputError(file, 'does not match the expected format: "titles" must be an array');
  for (let i = 0; i < ids.length; i++) {
    if (!Number.isInteger(ids[i])) throw new InputError(file, `does not match the expected format: ids[${i}] must be an integer`);
  }
  for (let i = 0; i < titles.length; i++) {
    if (typeof titles[i] !== 'string') throw new InputError(file, `does not match the expected format: titles[${i}] must be a string`);
  }
  if (ids.length !== titles.length) throw new InputError(file, 'does not match the expected format: ids and titles must have the same length');
  return { dataset, ids: ids as number[], titles: titles as string[] };
}

/** Bytes this app's own code has already hashed (see markChecked). */
const checkedBytes = new WeakMap<Uint8Array, string>();

/**
 * Marks bytes as already checked against `sha256` by this app's own code (the page's entry,
 * which read them from Cache Storage and hashed them there): verifyFile does not hash them again.
 */
export function markChecked(bytes: Uint8Array, sha256: string): void {
  checkedBytes.set(bytes, sha256);
}

/** Checks a file's size and checksum against its manifest entry. */
export async function verifyFile(bytes: Uint8Array, ref: FileRef): Promise<void> {
  if (bytes.byteLength !== ref.bytes) {
    throw new InputError(ref.file, `is ${bytes.byteLength} bytes, the manifest says ${ref.bytes} (truncated or replaced?)`);
  }
  if (checkedBytes.get(bytes) === ref.sha256) return;
  const h = await sha256Hex(bytes);
  if (h !== ref.sha256) throw new InputError(ref.file, `checksum mismatch (sha256 ${h}, the manifest says ${ref.sha256})`);
}
