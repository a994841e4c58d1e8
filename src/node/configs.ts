import { existsSync } from 'node:fs';
import { join, relative } from 'node:path';
import { z } from 'zod';
import { writeFileAtomic } from './atomic-write.js';
import { readJsonFileAs } from './json-file.js';
import { CONFIGS_DIR, ROOT } from './paths.js';

/** configs/<dataset>.json: the best-known configuration of each model, and how it was chosen. */
const BestConfigs = z.object({
  dataset: z.string(),
  models: z.record(
    z.string(),
    z.object({
      config: z.record(z.string(), z.unknown()),
      selectedBy: z.string(),
      validation: z.record(z.string(), z.number()).optional(),
      candidates: z.number().int().optional(),
    }),
  ),
});
type BestConfigs = z.infer<typeof BestConfigs>;
export type BestConfig = BestConfigs['models'][string];

export function bestConfigsPath(dataset: string): string {
  return join(CONFIGS_DIR, `${dataset}.json`);
}

export function readBestConfigs(dataset: string): BestConfigs {
  const path = bestConfigsPath(dataset);
  if (!existsSync(path)) return { dataset, models: {} };
  return readJsonFileAs(path, BestConfigs, relative(ROOT, path));
}

export function readBestConfig(dataset: string, model: string): BestConfig | undefined {
  return readBestConfigs(dataset).models[model];
}

export function writeBestConfig(dataset: string, model: string, best: BestConfig): void {
  const all = readBestConfigs(dataset);
  all.models[model] = best;
  writeFileAtomic(bestConfigsPath(dataset), `${JSON.stringify(all, null, 2)}\n`);
}
