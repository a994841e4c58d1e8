import { join, relative } from 'node:path';
import { encodeEmbeddings } from '../core/artifacts/embeddings.js';
import type { EmbeddingDtype, EmbeddingsEntry } from '../core/artifacts/manifest.js';
import { autoencoderReduce, type AutoencoderConfig } from '../neural/autoencoder.js';
import { loadEmbeddings, readManifest, writeArtifact, writeManifest } from './artifacts.js';
import { loadDataset } from './dataset-files.js';
import { MODELS_DIR, ROOT } from './paths.js';
import { initTfjs, registerGradients } from './tfjs-setup.js';

export interface ReduceOptions {
  /** The embeddings to reduce (default: the manifest's first). */
  readonly from?: string;
  readonly dims: number;
  readonly dtype: EmbeddingDtype;
  readonly autoencoder?: Partial<Omit<AutoencoderConfig, 'dims'>>;
  readonly log?: (line: string) => void;
}

/**
 * The extension paper's autoencoder reduction as an artifact: the item vectors of one manifest
 * entry are reduced to `dims` by an autoencoder trained with tfjs (src/neural/autoencoder.ts)
 * and written as another embeddings entry, `<from>-ae<dims>`, listed after the others (the
 * first stays the default). Every embedding model then uses it by name (`--embeddings`), e.g.
 * LLMSeqSim over autoencoder codes beside its built-in PCA and random projection. Deterministic
 * for a seed.
 */
export async function reduceEmbeddings(datasetName: string, o: ReduceOptions): Promise<EmbeddingsEntry> {
  const dataset = loadDataset(datasetName);
  const source = await loadEmbeddings(datasetName, dataset.catalog, o.from);
  if (o.dims >= source.vectors.cols) throw new RangeError(`--dims ${o.dims} must be below the ${source.entry.name} width ${source.vectors.cols}`);
  await initTfjs();
  await registerGradients();
  const { codes, unexplained } = await autoencoderReduce(source.vectors, { ...o.autoencoder, dims: o.dims });
  const name = `${source.entry.name}-ae${o.dims}`;
  const file = `embeddings.${name}.${o.dtype}.bin`;
  const ref = writeArtifact(datasetName, file, encodeEmbeddings(codes, o.dtype));
  const entry: EmbeddingsEntry = {
    ...source.entry,
    ...ref,
    name,
    dtype: o.dtype,
    count: codes.rows,
    dim: codes.cols,
    normalized: false,
    reduction: { from: source.entry.name, method: 'autoencoder', dims: o.dims, unexplained },
  };
  const manifest = readManifest(datasetName);
  if (!manifest) throw new Error(`manifest for ${datasetName} disappeared while reducing`);
  writeManifest({ ...manifest, embeddings: [...manifest.embeddings.filter((e) => e.name !== name), entry] });
  o.log?.(`wrote ${relative(ROOT, join(MODELS_DIR, datasetName, file))} (${ref.bytes} bytes, ${entry.count} x ${entry.dim} ${o.dtype}; ${(unexplained * 100).toFixed(1)}% of the variance not reconstructed)`);
  return entry;
}
