/// <reference lib="webworker" />
import ortMjs from 'onnxruntime-web/ort-wasm-simd-threaded.asyncify.mjs?url';
import ortWasm from 'onnxruntime-web/ort-wasm-simd-threaded.asyncify.wasm?url';
import { get, set } from 'idb-keyval';
import { sha256Hex } from '../../core/artifacts/manifest.js';
import { checkImportSize, decodeImportedText, parseImportedCatalog } from '../../core/dataset/import.js';
import { embedCatalog } from '../../embedders/catalog.js';
import { loadTransformersEmbedder } from '../../embedders/transformers.js';
import type { TextEmbedder } from '../../embedders/types.js';
import { probeWebGpu } from '../engine/backend.js';
import type { EmbedDevice, EmbedDeviceChoice, EmbedderInfo, FromEmbedder, ToEmbedder } from './messages.js';

/**
 * Local embeddings with transformers.js: the same potion-base-4M model folder the CLI uses,
 * served from public/models/, on WebGPU when the browser has a hardware adapter, else WASM.
 * Catalog vectors are cached in IndexedDB by model and catalog hash. Runs in its own worker
 * so a long catalog never blocks the page; cancel is checked between batches.
 */
const scope = self as unknown as DedicatedWorkerGlobalScope;
const MODEL = 'potion-base-4M-int8';
const MODEL_PATH = `${import.meta.env.BASE_URL}models/`;
const BATCH = 64;

const embedders = new Map<EmbedDevice, Promise<{ embedder: TextEmbedder; info: EmbedderInfo }>>();
const cancelled = new Set<number>();

function post(msg: FromEmbedder, transfer: Transferable[] = []): void {
  scope.postMessage(msg, transfer);
}

async function chooseDevice(choice: EmbedDeviceChoice): Promise<{ device: EmbedDevice; notes: string[] }> {
  if (choice === 'wasm') return { device: 'wasm', notes: [] };
  const gpu = await probeWebGpu();
  if (choice === 'webgpu') {
    return gpu.available ? { device: 'webgpu', notes: [] } : { device: 'wasm', notes: [`WebGPU unavailable (${gpu.description}): using WASM`] };
  }
  if (gpu.available && !gpu.fallback) return { device: 'webgpu', notes: [] };
  return { device: 'wasm', notes: [gpu.available ? `WebGPU adapter is a software fallback (${gpu.description}): using WASM` : `WebGPU unavailable: using WASM`] };
}

async function getEmbedder(choice: EmbedDeviceChoice): Promise<{ embedder: TextEmbedder; info: EmbedderInfo }> {
  const { device, notes } = await chooseDevice(choice);
  let p = embedders.get(device);
  if (!p) {
    p = (async () => {
      try {
        const embedder = await loadTransformersEmbedder({ model: MODEL, localModelPath: MODEL_PATH, device, wasmPaths: { mjs: ortMjs, wasm: ortWasm } });
        return { embedder, info: { model: MODEL, device, notes } };
      } catch (e) {
        if (device === 'webgpu') {
          const fallback = await loadTransformersEmbedder({ model: MODEL, localModelPath: MODEL_PATH, device: 'wasm', wasmPaths: { mjs: ortMjs, wasm: ortWasm } });
          return { embedder: fallback, info: { model: MODEL, device: 'wasm' as const, notes: [...notes, `WebGPU failed (${(e as Error).message}): using WASM`] } };
        }
        throw e;
      }
    })();
    embedders.set(device, p);
    p.catch(() => embedders.delete(device));
  }
  return p;
}

async function catalogKey(titles: string[]): Promise<string> {
  return `embeddings:${MODEL}:${await sha256Hex(new TextEncoder().encode(JSON.stringify(titles)))}`;
}

interface Cached {
  readonly dim: number;
  readonly vectors: Float32Array;
}

async function handle(msg: ToEmbedder): Promise<void> {
  switch (msg.type) {
    case 'cancel':
      cancelled.add(msg.id);
      return;
    case 'parseCsv': {
      checkImportSize(msg.file.size, msg.file.name); // before reading it
      const text = decodeImportedText(new Uint8Array(await msg.file.arrayBuffer()), msg.file.name);
      const c = parseImportedCatalog(text, msg.file.name, msg.file.size);
      const hash = await sha256Hex(new TextEncoder().encode(JSON.stringify([c.ids, c.titles])));
      post({ type: 'csv', id: msg.id, name: msg.file.name, ids: c.ids, titles: c.titles, skipped: c.skipped, truncated: c.truncated, hash });
      return;
    }
    case 'embedTexts': {
      const { embedder, info } = await getEmbedder(msg.device);
      const result = await embedCatalog(msg.texts, embedder, { batchSize: BATCH });
      post({ type: 'textsDone', id: msg.id, vectors: result.vectors.data, dim: result.vectors.cols, info }, [result.vectors.data.buffer]);
      return;
    }
    case 'embedCatalog': {
      const t0 = performance.now();
      const key = await catalogKey(msg.titles);
      const { embedder, info } = await getEmbedder(msg.device);
      const loadMs = performance.now() - t0;
      if (msg.useCache) {
        const hit = await get<Cached>(key).catch(() => undefined);
        if (hit && hit.vectors.length === hit.dim * msg.titles.length) {
          post({ type: 'catalogDone', id: msg.id, vectors: hit.vectors, dim: hit.dim, fromCache: true, ms: performance.now() - t0, loadMs, info }, [hit.vectors.buffer]);
          return;
        }
      }
      const controller = new AbortController();
      const yielding: TextEmbedder = {
        ...embedder,
        embed: async (texts) => {
          // Let 'cancel' messages in between batches.
          await new Promise((r) => setTimeout(r, 0));
          if (cancelled.has(msg.id)) controller.abort();
          controller.signal.throwIfAborted();
          return embedder.embed(texts);
        },
      };
      try {
        const result = await embedCatalog(msg.titles, yielding, {
          batchSize: BATCH,
          signal: controller.signal,
          onProgress: (done, total) => post({ type: 'progress', id: msg.id, done, total, elapsedMs: performance.now() - t0 }),
        });
        const vectors = result.vectors.data;
        await set(key, { dim: result.vectors.cols, vectors } satisfies Cached).catch(() => undefined);
        post({ type: 'catalogDone', id: msg.id, vectors, dim: result.vectors.cols, fromCache: false, ms: performance.now() - t0, loadMs, info }, [vectors.buffer]);
      } catch (e) {
        if (controller.signal.aborted) post({ type: 'cancelled', id: msg.id });
        else throw e;
      } finally {
        cancelled.delete(msg.id);
      }
      return;
    }
  }
}

scope.onmessage = (ev: MessageEvent<ToEmbedder>) => {
  const msg = ev.data;
  // Not queued: a cancel must get through while a catalog is being embedded.
  handle(msg).catch((e: unknown) => post({ type: 'error', id: msg.id, message: e instanceof Error ? e.message : String(e) }));
};
