import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

function findRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    const up = dirname(dir);
    if (up === dir) throw new Error('could not find the project root (no package.json above src/node)');
    dir = up;
  }
}

export const ROOT = findRoot();
/** Raw datasets shipped in the repo: data/<name>/items.csv(.gz), interactions.csv(.gz). */
export const DATA_DIR = join(ROOT, 'data');
/** What the app loads: public/models/<dataset>/manifest.json and the files it lists. */
export const MODELS_DIR = join(ROOT, 'public', 'models');
/** Best-known model configurations per dataset, chosen on validation folds. */
export const CONFIGS_DIR = join(ROOT, 'configs');

export function datasetDir(name: string): string {
  return resolve(DATA_DIR, name);
}

export function artifactsDir(dataset: string): string {
  return resolve(MODELS_DIR, dataset);
}

/** Where `cli index` writes by default (a local LanceDB folder, git-ignored). */
export const DEFAULT_LANCEDB_URI = '.cache/lancedb';
