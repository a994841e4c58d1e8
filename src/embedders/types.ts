/** Anything that turns texts into fixed-size vectors (a local model, a remote API, ...). */
export interface TextEmbedder {
  /** Where the vectors come from, e.g. "transformers.js" or "openai-compatible". */
  readonly provider: 'transformers.js' | 'openai-compatible';
  /** The model id / folder, recorded in the manifest. */
  readonly model: string;
  readonly pooling: string;
  /** Embeds a batch; returns texts.length rows of equal width (not necessarily normalised). */
  embed(texts: readonly string[]): Promise<Float32Array[]>;
}
