/** Messages between the UI thread and the local-embedding worker. */

export type EmbedDevice = 'webgpu' | 'wasm';
export type EmbedDeviceChoice = EmbedDevice | 'auto';

export type ToEmbedder =
  | {
      readonly type: 'embedCatalog';
      readonly id: number;
      readonly titles: string[];
      readonly device: EmbedDeviceChoice;
      /** Use vectors cached in IndexedDB for the same model and titles. */
      readonly useCache: boolean;
    }
  | { readonly type: 'cancel'; readonly id: number }
  | { readonly type: 'embedTexts'; readonly id: number; readonly texts: string[]; readonly device: EmbedDeviceChoice }
  | { readonly type: 'parseCsv'; readonly id: number; readonly file: File };

export interface EmbedderInfo {
  readonly model: string;
  readonly device: EmbedDevice;
  readonly notes: string[];
}

export type FromEmbedder =
  | { readonly type: 'progress'; readonly id: number; readonly done: number; readonly total: number; readonly elapsedMs: number }
  | {
      readonly type: 'catalogDone';
      readonly id: number;
      readonly vectors: Float32Array;
      readonly dim: number;
      readonly fromCache: boolean;
      /** Total time, and the part spent loading the model and runtime (first use only). */
      readonly ms: number;
      readonly loadMs: number;
      readonly info: EmbedderInfo;
    }
  | { readonly type: 'textsDone'; readonly id: number; readonly vectors: Float32Array; readonly dim: number; readonly info: EmbedderInfo }
  | { readonly type: 'cancelled'; readonly id: number }
  | {
      readonly type: 'csv';
      readonly id: number;
      readonly name: string;
      readonly ids: string[];
      readonly titles: string[];
      readonly skipped: { line: number; reason: string }[];
      /** Titles cut to maxChars at import, if any. */
      readonly truncated: { count: number; firstLine: number; maxChars: number } | null;
      /** sha256 of the imported ids and titles: the catalog's identity (sessions are stored under it). */
      readonly hash: string;
    }
  | { readonly type: 'error'; readonly id: number; readonly message: string };
