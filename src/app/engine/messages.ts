/** Messages between the UI thread and the scoring worker (structured-clone friendly). */
import type { EvalReport } from '../../core/artifacts/report.js';

export type BackendName = 'webgpu' | 'webgl' | 'wasm' | 'cpu';
export type BackendChoice = BackendName | 'auto';
export const BACKENDS: readonly BackendName[] = ['webgpu', 'webgl', 'wasm', 'cpu'];

export interface BackendInfo {
  /** The tfjs backend that runs the embedding scoring. */
  readonly name: BackendName;
  readonly requested: BackendChoice;
  /** WebGPU adapter description, when WebGPU runs. */
  readonly adapter?: string;
  /** Why the running backend is not the requested/preferred one (fallbacks, software adapters). */
  readonly notes: readonly string[];
}

export interface ModelStatus {
  readonly name: string;
  readonly label: string;
  readonly available: boolean;
  /** Still being indexed (shown shortly after the first recommendations). */
  readonly loading?: boolean;
  /** Why a model is unavailable (e.g. the file it needs is corrupt). */
  readonly reason?: string;
  /** Uses tfjs (and so the selected backend) for scoring. */
  readonly usesBackend: boolean;
}

export interface ArtifactProblem {
  readonly file: string;
  readonly message: string;
}

export interface ModelRecommendations {
  readonly model: string;
  readonly items: number[];
  readonly scores: number[];
  /** Session item (dense index) each recommendation is explained by, or -1. */
  readonly because: number[];
  readonly ms: number;
}

export type ToWorker =
  | { readonly type: 'init'; readonly baseUrl: string; readonly backend: BackendChoice }
  | { readonly type: 'recommend'; readonly id: number; readonly session: number[]; readonly k: number }
  | { readonly type: 'setBackend'; readonly backend: BackendChoice }
  /** Test hook: destroy the WebGPU device, as a driver reset would, to exercise the fallback. */
  | { readonly type: 'loseDevice' };

export interface ReadyPayload {
  readonly ids: Int32Array;
  readonly titles: string[];
  /** Training interactions per item (for ranking search results). */
  readonly popularity: Float64Array;
  readonly test: { sessionIds: Int32Array; promptOffsets: Int32Array; promptItems: Int32Array; targets: Int32Array } | null;
  readonly models: ModelStatus[];
  readonly backend: BackendInfo;
  readonly problems: ArtifactProblem[];
  /** The offline evaluation report, if it loaded. */
  readonly report: EvalReport | null;
  readonly loadMs: number;
}

export type FromWorker =
  | { readonly type: 'progress'; readonly message: string }
  | ({ readonly type: 'ready' } & ReadyPayload)
  | { readonly type: 'results'; readonly id: number; readonly results: ModelRecommendations[]; readonly backend: BackendName }
  | { readonly type: 'backend'; readonly backend: BackendInfo; readonly models: ModelStatus[] }
  | { readonly type: 'fatal'; readonly message: string };
