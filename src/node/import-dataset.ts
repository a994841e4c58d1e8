import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { gzipSync } from 'node:zlib';
import { type ImportedDataset, importCsvDataset, importRecBoleDataset } from '../core/dataset/import-source.js';
import { InputError } from '../core/errors.js';
import { readMaybeGz } from './dataset-files.js';
import { datasetDir, ROOT } from './paths.js';

export type SourceFormat = 'csv' | 'recbole';

/** What is in DIR: items.csv + interactions.csv (optionally .gz), or RecBole's NAME.item + NAME.inter. */
export function detectSource(dir: string, name: string): { format: SourceFormat; base?: string } {
  if (!existsSync(dir)) throw new InputError(dir, 'no such folder');
  const files = readdirSync(dir);
  const has = (f: string) => files.includes(f) || files.includes(`${f}.gz`);
  if (has('items.csv') && has('interactions.csv')) return { format: 'csv' };
  const inter = files.filter((f) => /\.inter(\.gz)?$/.test(f)).map((f) => f.replace(/\.inter(\.gz)?$/, ''));
  const base = inter.includes(name) ? name : inter.length === 1 ? inter[0] : undefined;
  if (base !== undefined && has(`${base}.item`)) return { format: 'recbole', base };
  throw new InputError(
    relative(ROOT, dir) || dir,
    `holds neither items.csv + interactions.csv nor RecBole atomic files ${name}.item + ${name}.inter (found: ${files.join(', ') || 'nothing'})`,
  );
}

/**
 * Imports a user's dataset from DIR into data/<name>/ (items.csv.gz, interactions.csv.gz in
 * the dataset schema), checking every row. Returns what was imported.
 */
export function importDataset(name: string, dir: string, options: { titleField?: string } = {}): ImportedDataset & { format: SourceFormat } {
  const src = detectSource(dir, name);
  let result: ImportedDataset;
  if (src.format === 'csv') {
    if (options.titleField !== undefined && options.titleField !== 'title') {
      throw new InputError(join(dir, 'items.csv'), '--title-field is for RecBole atomic files; items.csv has a "title" column');
    }
    result = importCsvDataset(readMaybeGz(dir, 'items.csv'), readMaybeGz(dir, 'interactions.csv'));
  } else {
    const base = src.base ?? name;
    result = importRecBoleDataset(readMaybeGz(dir, `${base}.item`), readMaybeGz(dir, `${base}.inter`), options);
  }
  const out = datasetDir(name);
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, 'items.csv.gz'), gzipSync(result.itemsCsv, { level: 9 }));
  writeFileSync(join(out, 'interactions.csv.gz'), gzipSync(result.interactionsCsv, { level: 9 }));
  return { ...result, format: src.format };
}
