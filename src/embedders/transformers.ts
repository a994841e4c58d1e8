import { env, pipeline, type FeatureExtractionPipeline } from '@huggingface/transformers';
import type { TextEmbedder } from './types.js';

/**
 * A local sentence-embedding model run by transformers.js (`@huggingface/transformers`, the
 * maintained successor of `@xenova/transformers`, with WebGPU support). The same code runs
 * in Node (onnxruntime-node) and in the browser (onnxruntime-web, WASM or WebGPU).
 */
export interface TransformersEmbedderOptions {
  /** A model id resolved under `localModelPath` (or on the hub if remote models are allowed). */
  readonly model: string;
  /** Folder (Node) or URL prefix (browser) holding `<model>/config.json`, `<model>/onnx/...`. */
  readonly localModelPath?: string;
  readonly allowRemoteModels?: boolean;
  /** ONNX weights variant: 'fp32' loads onnx/model.onnx, 'q8' onnx/model_quantized.onnx. */
  readonly dtype?: 'fp32' | 'fp16' | 'q8' | 'int8' | 'uint8' | 'q4' | 'bnb4' | 'q4f16';
  readonly device?: 'cpu' | 'wasm' | 'webgpu';
  readonly pooling?: 'mean' | 'cls';
  /**
   * Browser only: where onnxruntime-web's wasm runtime is served from. Without it
   * transformers.js fetches it from a CDN, which an offline, on-device app must never do.
   */
  readonly wasmPaths?: { readonly mjs: string; readonly wasm: string };
}

export async function loadTransformersEmbedder(options: TransformersEmbedderOptions): Promise<TextEmbedder> {
  env.allowRemoteModels = options.allowRemoteModels ?? false;
  env.allowLocalModels = true;
  if (options.localModelPath !== undefined) env.localModelPath = options.localModelPath;
  if (options.wasmPaths) {
    const onnx = env.backends.onnx as { wasm?: { wasmPaths?: unknown; numThreads?: number } };
    if (onnx.wasm) {
      onnx.wasm.wasmPaths = { ...options.wasmPaths };
      onnx.wasm.numThreads = 1; // no cross-origin isolation, so no wasm threads
    }
    env.useWasmCache = false;
  }
  const pooling = options.pooling ?? 'mean';
  let extractor: FeatureExtractionPipeline;
  try {
    extractor = (await pipeline('feature-extraction', options.model, {
      dtype: options.dtype ?? 'fp32',
      ...(options.device ? { device: options.device } : {}),
    })) as FeatureExtractionPipeline;
  } catch (e) {
    throw new Error(
      `could not load the embedding model "${options.model}" from ${options.localModelPath ?? 'the default model path'}` +
        `${env.allowRemoteModels ? '' : ' (remote models are off)'}: ${(e as Error).message}`,
      { cause: e },
    );
  }
  return {
    provider: 'transformers.js',
    model: options.model,
    pooling,
    async embed(texts: readonly string[]): Promise<Float32Array[]> {
      if (texts.length === 0) return [];
      // normalize:false here: catalog code normalises and handles zero vectors (empty titles) itself.
      const out = await extractor([...texts], { pooling, normalize: false });
      const [rows, dim] = out.dims as [number, number];
      const data = out.data as Float32Array;
      const result: Float32Array[] = [];
      for (let r = 0; r < rows; r++) result.push(data.slice(r * dim, (r + 1) * dim));
      out.dispose();
      return result;
    },
  };
}
