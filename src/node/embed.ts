import { basename, join, relative } from 'node:path';
import { encodeEmbeddings } from '../core/artifacts/embeddings.js';
import type { EmbeddingDtype, EmbeddingsEntry } from '../core/artifacts/manifest.js';
import type { Dataset } from '../core/dataset/types.js';
import { embedCatalog } from '../embedders/catalog.js';
import { openAiEmbedder } from '../embedders/openai.js';
import { loadTransformersEmbedder } from '../embedders/transformers.js';
import type { TextEmbedder } from '../embedders/types.js';
import { readManifest, sha256Of, writeArtifact, writeCatalogArtifacts, writeManifest } from './artifacts.js';
import { EmbeddingCheckpoint } from './checkpoint.js';
import { MODELS_DIR, ROOT } from './paths.js';

export interface EmbedOptions {
  readonly provider: 'transformers' | 'openai';
  /** transformers.js model id (a folder under modelPath) or the remote model name. */
  readonly model: string;
  readonly modelPath: string;
  readonly dtype: EmbeddingDtype;
  readonly name?: string;
  readonly batchSize: number;
  readonly onProgress?: (done: number, total: number) => void;
  readonly log?: (msg: string) => void;
}

export const DEFAULT_EMBED_MODEL = 'potion-base-4M-int8';

async function makeEmbedder(o: EmbedOptions): Promise<TextEmbedder> {
  if (o.provider === 'transformers') {
    return loadTransformersEmbedder({ model: o.model, localModelPath: o.modelPath.endsWith('/') ? o.modelPath : `${o.modelPath}/` });
  }
  const apiKey = process.env.OPENAI_API_KEY;
  if (!apiKey) throw new Error('the openai provider needs OPENAI_API_KEY in the environment (and optionally OPENAI_BASE_URL)');
  return openAiEmbedder({ baseUrl: process.env.OPENAI_BASE_URL ?? 'https://api.openai.com/v1', apiKey, model: o.model });
}

/**
 * Embeds a dataset's catalog and writes `embeddings.<name>.bin` plus its manifest entry.
 * Finished batches are appended to a checkpoint under .cache/ (keyed by dataset, model and
 * catalog hash), so an interrupted remote run resumes where it stopped.
 */
export async function embedDataset(dataset: Dataset, o: EmbedOptions): Promise<EmbeddingsEntry> {
  const log = o.log ?? (() => undefined);
  const name = o.name ?? basename(o.model).replace(/[^A-Za-z0-9._-]+/g, '-');
  const embedder = await makeEmbedder(o);
  const titles = dataset.catalog.titles;
  const catalogHash = sha256Of(new TextEncoder().encode(JSON.stringify(titles))).slice(0, 16);
  const checkpoint = new EmbeddingCheckpoint(join(ROOT, '.cache', `embed-${dataset.name}-${name}-${catalogHash}.jsonl`));
  const checkpointing = o.provider === 'openai';
  const precomputed = checkpointing ? checkpoint.load() : new Map<number, Float32Array>();
  if (precomputed.size > 0) log(`resuming from ${relative(ROOT, checkpoint.path)}: ${precomputed.size} titles already embedded`);
  const result = await embedCatalog(titles, embedder, {
    batchSize: o.batchSize,
    precomputed,
    onProgress: o.onProgress,
    onBatch: checkpointing ? (items, rows) => checkpoint.append(items, rows) : undefined,
  });

  if (!readManifest(dataset.name)) writeCatalogArtifacts(dataset.name, dataset.catalog);
  const file = `embeddings.${name}.${o.dtype}.bin`;
  const ref = writeArtifact(dataset.name, file, encodeEmbeddings(result.vectors, o.dtype));
  const entry: EmbeddingsEntry = {
    ...ref,
    name,
    provider: embedder.provider,
    model: o.provider === 'transformers' ? relative(ROOT, join(o.modelPath, o.model)) : o.model,
    dtype: o.dtype,
    count: result.vectors.rows,
    dim: result.vectors.cols,
    pooling: embedder.pooling,
    normalized: true,
    emptyTitleItemIds: result.emptyTitleItems.map((i) => dataset.catalog.ids[i]),
  };
  const manifest = readManifest(dataset.name);
  if (!manifest) throw new Error(`manifest for ${dataset.name} disappeared while embedding`);
  writeManifest({ ...manifest, embeddings: [entry, ...manifest.embeddings.filter((e) => e.name !== name)] });
  if (checkpointing) checkpoint.remove();
  log(`wrote ${relative(ROOT, join(MODELS_DIR, dataset.name, file))} (${ref.bytes} bytes, ${entry.count} x ${entry.dim} ${o.dtype})`);
  return entry;
}
