import type { Catalog } from '../core/dataset/types.js';
import { InputError } from '../core/errors.js';
import type { DenseMatrix } from '../core/vectors/matrix.js';
import { embeddingsNameFor, type ModelName } from '../recommenders/registry.js';
import { loadEmbeddings } from './artifacts.js';

const cache = new Map<string, DenseMatrix>();

/**
 * The item vectors a model scores with: its own named embeddings when the registry names
 * them (e.g. `llmseqsim-ft`'s tuned vectors), else the run's (`--embeddings` or the first).
 */
export function vectorsForModel(dataset: string, catalog: Catalog, name: ModelName, runVectors: DenseMatrix | undefined): DenseMatrix | undefined {
  const own = embeddingsNameFor(name, dataset);
  if (!own) return runVectors;
  const key = `${dataset}\u0000${own}`;
  let v = cache.get(key);
  if (!v) {
    try {
      v = loadEmbeddings(dataset, catalog, own).vectors;
    } catch (e) {
      if (e instanceof InputError && /no embeddings named/.test(e.message)) {
        throw new InputError(e.file, `${e.message.slice(e.file.length + 2)}: ${name} needs them; run \`npm run cli -- train --dataset ${dataset} --model ${name}\``);
      }
      throw e;
    }
    cache.set(key, v);
  }
  return v;
}
