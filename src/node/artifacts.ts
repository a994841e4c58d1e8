import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { type ArtifactReader, loadCatalog, loadItemEmbeddings, loadTrained, readVerified as coreReadVerified, type TrainedFiles } from '../core/artifacts/loader.js';
import {
  CatalogFile,
  type EmbeddingsEntry,
  type FileRef,
  Manifest,
  MANIFEST_FORMAT,
  MANIFEST_VERSION,
  parseManifest,
} from '../core/artifacts/manifest.js';
import { encodeSessions } from '../core/artifacts/sessions.js';
import type { Catalog, EvalCases, SessionSet } from '../core/dataset/types.js';
import { InputError } from '../core/errors.js';
import type { DenseMatrix } from '../core/vectors/matrix.js';
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

export function readManifest(dataset: string): Manifest | null {
  const path = join(artifactsDir(dataset), MANIFEST_FILE);
  if (!existsSync(path)) return null;
  return parseManifest(readFileSync(path, 'utf8'), rel(path));
}

export function writeManifest(m: Manifest): void {
  const dir = artifactsDir(m.dataset);
  mkdirSync(dir, { recursive: true });
  const checked = Manifest.parse(m);
  writeFileSync(join(dir, MANIFEST_FILE), `${JSON.stringify(checked, null, 2)}\n`);
}

/** Writes a file into the dataset's artifact folder and returns its manifest reference. */
export function writeArtifact(dataset: string, file: string, bytes: Uint8Array): { file: string; bytes: number; sha256: string } {
  const path = join(artifactsDir(dataset), file);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, bytes);
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
    const enc = encodeSessions(split.train, split.test);
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
  for (const entry of manifest?.sequentialModels ?? []) {
    if (names && !names.includes(entry.name)) continue;
    out.set(entry.name, await loadTrained(read, entry, nItems));
  }
  return out;
}
