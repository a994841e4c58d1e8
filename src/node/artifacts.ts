import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { z } from 'zod';
import { type ArtifactReader, loadCatalog, loadItemEmbeddings, loadTrained, readVerified as coreReadVerified, type TrainedFiles } from '../core/artifacts/loader.js';
import {
  CatalogFile,
  type EmbeddingsEntry,
  type FileRef,
  Manifest,
  MANIFEST_FORMAT,
  MANIFEST_VERSION,
  parseManifest,
  trainedEntries,
} from '../core/artifacts/manifest.js';
import { parseJsonText } from '../core/json.js';
import { encodeSessions } from '../core/artifacts/sessions.js';
import type { Catalog, EvalCases, SessionSet } from '../core/dataset/types.js';
import { InputError } from '../core/errors.js';
import type { DenseMatrix } from '../core/vectors/matrix.js';
import { crashPoint, fsyncDir, tempPathFor, writeDurable, writeFileAtomic } from './atomic-write.js';
import { artifactsDir, ROOT } from './paths.js';

export const MANIFEST_FILE = 'manifest.json';
export const CATALOG_FILE = 'catalog.json';
export const SESSIONS_FILE = 'sessions.bin';

function rel(path: string): string {
  return relative(ROOT, path) || path;
}

export function sha256Of(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/**
 * Artifacts are written as one transaction per dataset folder, so a crash at any point leaves
 * the previous consistent set of files or the new one, and never a manifest that lists a torn
 * or foreign file:
 *   1. every new file is written to a hidden `.pending` file next to its target and fsynced
 *      (`writeArtifact`); the live files are untouched, so a crash here keeps the old state;
 *   2. `writeManifest` writes the new manifest the same way, then atomically writes a journal
 *      (`.commit.json`) listing the pending -> final renames: the commit point;
 *   3. the renames run, the manifest last, and the journal is removed.
 * Whoever touches the folder next (`readManifest`, `writeArtifact`) finishes a committed
 * transaction (roll forward: the pending files are complete) or deletes the pending files of
 * one that never committed (the old state stays).
 */
const JOURNAL = '.commit.json';
const STRAY = /^\..+\.\d+-\d+\.(tmp|pending)$/;
const Journal = z.object({ renames: z.array(z.object({ from: z.string(), to: z.string() })) });

/** Pending files of this process per dataset folder: final path relative to the folder -> pending path. */
const staged = new Map<string, Map<string, string>>();

function strayFiles(dir: string): string[] {
  const found: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (e.isFile() && STRAY.test(e.name)) found.push(join(dir, e.name));
    else if (e.isDirectory()) {
      for (const f of readdirSync(join(dir, e.name), { withFileTypes: true })) if (f.isFile() && STRAY.test(f.name)) found.push(join(dir, e.name, f.name));
    }
  }
  return found;
}

/** Finishes or discards an interrupted transaction in a dataset folder (files this process staged are kept). */
export function recoverArtifacts(dataset: string): { rolledForward: number; discarded: number } {
  const dir = artifactsDir(dataset);
  const result = { rolledForward: 0, discarded: 0 };
  if (!existsSync(dir)) return result;
  const journalPath = join(dir, JOURNAL);
  if (existsSync(journalPath)) {
    const journal = parseJsonText(readFileSync(journalPath, 'utf8'), rel(journalPath), Journal);
    for (const { from, to } of journal.renames) {
      const src = join(dir, from);
      if (existsSync(src)) {
        renameSync(src, join(dir, to));
        fsyncDir(dirname(join(dir, to)));
        result.rolledForward++;
      }
    }
    rmSync(journalPath);
    fsyncDir(dir);
  }
  const mine = new Set(staged.get(dir)?.values() ?? []);
  for (const f of strayFiles(dir)) {
    if (mine.has(f)) continue;
    rmSync(f, { force: true });
    result.discarded++;
  }
  return result;
}

export function readManifest(dataset: string): Manifest | null {
  recoverArtifacts(dataset);
  const path = join(artifactsDir(dataset), MANIFEST_FILE);
  if (!existsSync(path)) return null;
  return parseManifest(readFileSync(path, 'utf8'), rel(path));
}

/** Commits the manifest and every file staged by `writeArtifact` for its dataset (see above). */
export function writeManifest(m: Manifest): void {
  recoverArtifacts(m.dataset);
  const dir = artifactsDir(m.dataset);
  const checked = Manifest.parse(m);
  const final = join(dir, MANIFEST_FILE);
  const pending = tempPathFor(final, 'pending');
  writeDurable(pending, `${JSON.stringify(checked, null, 2)}\n`, final);
  const files = staged.get(dir) ?? new Map<string, string>();
  const renames = [...files.entries()].map(([to, from]) => ({ from: relative(dir, from), to }));
  renames.push({ from: relative(dir, pending), to: MANIFEST_FILE });
  writeFileAtomic(join(dir, JOURNAL), JSON.stringify({ renames }));
  crashPoint('commit');
  for (const { from, to } of renames) {
    renameSync(join(dir, from), join(dir, to));
    crashPoint('renamed', to);
  }
  for (const d of new Set(renames.map((r) => dirname(join(dir, r.to))))) fsyncDir(d);
  rmSync(join(dir, JOURNAL));
  fsyncDir(dir);
  staged.delete(dir);
}

/**
 * Stages a file for the dataset's artifact folder (written and flushed next to its target,
 * moved into place by the next `writeManifest`) and returns its manifest reference.
 */
export function writeArtifact(dataset: string, file: string, bytes: Uint8Array): { file: string; bytes: number; sha256: string } {
  recoverArtifacts(dataset);
  const dir = artifactsDir(dataset);
  const path = join(dir, file);
  if (relative(dir, path).startsWith('..')) throw new Error(`artifact path ${file} leaves ${rel(dir)}`);
  const pending = tempPathFor(path, 'pending');
  writeDurable(pending, bytes, path);
  const files = staged.get(dir) ?? new Map<string, string>();
  const before = files.get(file);
  if (before) rmSync(before, { force: true });
  files.set(file, pending);
  staged.set(dir, files);
  return { file, bytes: bytes.byteLength, sha256: sha256Of(bytes) };
}

/**
 * Writes the catalog file (and, given a split, the sessions file) and a manifest that keeps
 * the existing entries of the same dataset.
 */
export function writeCatalogArtifacts(dataset: string, catalog: Catalog, split?: { train: SessionSet; test: EvalCases }): Manifest {
  const body: CatalogFile = { dataset, ids: Array.from(catalog.ids), titles: [...catalog.titles] };
  const ref = writeArtifact(dataset, CATALOG_FILE, new TextEncoder().encode(JSON.stringify(body)));
  const previous = readManifest(dataset);
  let sessions = previous?.sessions;
  if (split) {
    const enc = encodeSessions(split.train, split.test, catalog.ids.length);
    sessions = { ...writeArtifact(dataset, SESSIONS_FILE, enc.bytes), ...enc.shape };
  }
  const manifest: Manifest = {
    format: MANIFEST_FORMAT,
    version: MANIFEST_VERSION,
    dataset,
    createdAt: new Date().toISOString(),
    catalog: { ...ref, count: catalog.ids.length },
    ...(sessions ? { sessions } : {}),
    embeddings: previous?.embeddings.filter((e) => e.count === catalog.ids.length) ?? [],
    ...(previous?.evaluation ? { evaluation: previous.evaluation } : {}),
    ...(previous?.sequentialModels ? { sequentialModels: previous.sequentialModels.filter((m) => m.nItems === catalog.ids.length) } : {}),
    ...(previous?.promptModels ? { promptModels: previous.promptModels.filter((m) => m.nItems === catalog.ids.length) } : {}),
  };
  writeManifest(manifest);
  return manifest;
}

/** Reads files of a dataset's artifact folder (the core loader's reader for Node). */
export function nodeReader(dataset: string): ArtifactReader {
  return async (file) => {
    const path = join(artifactsDir(dataset), file);
    if (!existsSync(path)) throw new InputError(rel(path), 'is listed in the manifest but missing');
    return new Uint8Array(await readFile(path));
  };
}

/** Reads and verifies one artifact file (size + sha256) against its manifest entry. */
export function readVerified(dataset: string, ref: FileRef): Promise<Uint8Array> {
  return coreReadVerified(nodeReader(dataset), ref);
}

export interface LoadedEmbeddings {
  readonly entry: EmbeddingsEntry;
  readonly vectors: DenseMatrix;
}

/**
 * Loads the item embeddings of a dataset from its manifest, checked against the catalog
 * (same items in the same order). `name` picks one entry; by default the first.
 */
export async function loadEmbeddings(dataset: string, catalog: Catalog, name?: string): Promise<LoadedEmbeddings> {
  const manifest = readManifest(dataset);
  const where = rel(join(artifactsDir(dataset), MANIFEST_FILE));
  if (!manifest || manifest.embeddings.length === 0) {
    throw new InputError(where, `has no item embeddings for "${dataset}": run \`npm run cli -- embed --dataset ${dataset}\``);
  }
  const read = nodeReader(dataset);
  const cat = await loadCatalog(read, manifest);
  if (cat.ids.length !== catalog.ids.length || cat.ids.some((id, i) => id !== catalog.ids[i])) {
    throw new InputError(manifest.catalog.file, `does not match data/${dataset} (different items or order): rerun \`prepare\` and \`embed\``);
  }
  const loaded = await loadItemEmbeddings(read, manifest, catalog.ids.length, name);
  return { entry: manifest.embeddings.find((e) => e.name === loaded.name)!, vectors: loaded.vectors };
}

/** The trained models' files the manifest lists (a bad one is an error naming its file). */
export async function loadTrainedFiles(dataset: string, nItems: number, names?: readonly string[]): Promise<Map<string, TrainedFiles>> {
  const manifest = readManifest(dataset);
  const read = nodeReader(dataset);
  const out = new Map<string, TrainedFiles>();
  for (const entry of manifest ? trainedEntries(manifest) : []) {
    if (names && !names.includes(entry.name)) continue;
    out.set(entry.name, await loadTrained(read, entry, nItems));
  }
  return out;
}
