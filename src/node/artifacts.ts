import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { decodeEmbeddings } from '../core/artifacts/embeddings.js';
import {
  CatalogFile,
  type EmbeddingsEntry,
  Manifest,
  MANIFEST_FORMAT,
  MANIFEST_VERSION,
  parseJsonFile,
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
    ...(previous?.promptModels ? { promptModels: previous.promptModels.filter((m) => m.nItems === catalog.ids.length) } : {}),
  };
  writeManifest(manifest);
  return manifest;
}

/** Reads and verifies one artifact file (size + sha256) against its manifest entry. */
export function readVerified(dataset: string, ref: { file: string; bytes: number; sha256: string }): Uint8Array {
  const path = join(artifactsDir(dataset), ref.file);
  if (!existsSync(path)) throw new InputError(rel(path), 'is listed in the manifest but missing');
  const bytes = new Uint8Array(readFileSync(path));
  if (bytes.byteLength !== ref.bytes) {
    throw new InputError(rel(path), `is ${bytes.byteLength} bytes, the manifest says ${ref.bytes} (truncated or replaced?)`);
  }
  const h = sha256Of(bytes);
  if (h !== ref.sha256) throw new InputError(rel(path), `checksum mismatch (sha256 ${h}, the manifest says ${ref.sha256})`);
  return bytes;
}

export interface LoadedEmbeddings {
  readonly entry: EmbeddingsEntry;
  readonly vectors: DenseMatrix;
}

/**
 * Loads the item embeddings of a dataset from its manifest, checked against the catalog
 * (same items in the same order). `name` picks one entry; by default the first.
 */
export function loadEmbeddings(dataset: string, catalog: Catalog, name?: string): LoadedEmbeddings {
  const manifest = readManifest(dataset);
  const where = rel(join(artifactsDir(dataset), MANIFEST_FILE));
  if (!manifest || manifest.embeddings.length === 0) {
    throw new InputError(where, `has no item embeddings for "${dataset}": run \`npm run cli -- embed --dataset ${dataset}\``);
  }
  const entry = name ? manifest.embeddings.find((e) => e.name === name) : manifest.embeddings[0];
  if (!entry) {
    throw new InputError(where, `has no embeddings named "${name}" (has: ${manifest.embeddings.map((e) => e.name).join(', ')})`);
  }
  const catalogBytes = readVerified(dataset, manifest.catalog);
  const cat = parseJsonFile(new TextDecoder().decode(catalogBytes), manifest.catalog.file, CatalogFile);
  if (cat.ids.length !== catalog.ids.length || cat.ids.some((id, i) => id !== catalog.ids[i])) {
    throw new InputError(manifest.catalog.file, `does not match data/${dataset} (different items or order): rerun \`prepare\` and \`embed\``);
  }
  if (entry.count !== catalog.ids.length) {
    throw new InputError(entry.file, `holds ${entry.count} vectors but the catalog has ${catalog.ids.length} items`);
  }
  const vectors = decodeEmbeddings(readVerified(dataset, entry), { ...entry, file: rel(join(artifactsDir(dataset), entry.file)) });
  return { entry, vectors };
}
