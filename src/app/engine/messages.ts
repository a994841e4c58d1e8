/** Messages between the UI thread and the scoring worker (structured-clone friendly). */
import type { LoadBreakdown } from '../../core/artifacts/load-timings.js';
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
  /**
   * The tfjs backend is still starting: the first suggestions are scored in plain JavaScript on
   * the CPU (the same dot products), and move to tfjs when it is up.
   */
  readonly starting?: boolean;
}

export interface ModelStatus {
  readonly name: string;
  readonly label: string;
  readonly available: boolean;
  /** Still being indexed (shown shortly after the first recommendations). */
  readonly loading?: boolean;
  /** Why a model is unavailable (e.g. the file it needs is corrupt). */
  readonly reason?: string;
  /** Something the user should know about an available model (e.g. it runs on its default configuration). */
  readonly note?: string;
  /** Uses tfjs (and so the selected backend) for scoring. */
  readonly usesBackend: boolean;
  /** Writes item names (LLMSeqPrompt): its recommendations arrive after the others, in a 'generated' message. */
  readonly generative?: boolean;
}

export type { ArtifactProblem } from '../../core/artifacts/loader.js';
import type { ArtifactProblem } from '../../core/artifacts/loader.js';

export interface ModelRecommendations {
  readonly model: string;
  readonly items: number[];
  readonly scores: number[];
  /** Session item (dense index) each recommendation is explained by, or -1. */
  readonly because: number[];
  readonly ms: number;
  /** Re-ranked candidates from a vector index outside the browser (not the whole catalog): its origin and how many. */
  readonly among?: { readonly source: string; readonly n: number };
  /** Generative models answered by an OpenAI-compatible endpoint: its origin (the session went there). */
  readonly remote?: string;
  /** Generative models: what the model wrote and the item each name became, in list order. */
  readonly generated?: readonly { readonly text: string; readonly item: number; readonly how: 'exact' | 'nearest' }[];
}

/** An OpenAI-compatible endpoint for LLMSeqPrompt (configured at build time, turned on by the shopper). */
export interface RemoteLlm {
  /** e.g. http://127.0.0.1:8080/v1 */
  readonly endpoint: string;
  readonly model: string;
  readonly apiKey?: string;
}

/**
 * A vector index outside the browser (`npm run cli -- serve`, LanceDB) that proposes candidates
 * for each session; the models that can re-rank given items score only those.
 */
export interface CandidatesEndpoint {
  /** Base URL of the endpoint, e.g. http://127.0.0.1:4300 (POST <endpoint>/v1/candidates). */
  readonly endpoint: string;
  /** Candidates per session (default 200). */
  readonly n?: number;
  /** Per request (default 5 s); on a timeout or error the models score the whole catalog. */
  readonly timeoutMs?: number;
}

/** How a session's candidates were fetched, when an endpoint is configured. */
export interface CandidatesReport {
  readonly source: string;
  /** Candidates received (0 when the request failed). */
  readonly n: number;
  readonly ms: number;
  /** Why the request failed: the models then scored the whole catalog. */
  readonly error?: string;
}

export type ToWorker =
  | {
      readonly type: 'init';
      readonly baseUrl: string;
      readonly backend: BackendChoice;
      readonly downloadTimeoutMs?: number;
      readonly candidates?: CandidatesEndpoint;
      /** The page fetches the manifest and the first files and sends them ('prefetched'). */
      readonly prefetch?: boolean;
      /**
       * The shopper's stored session (the catalog's item ids as read from storage, unchecked)
       * and the list length: the worker answers it right after 'ready' (results id 0), before
       * the page asks, with the page's own restore rule (core/session/restore.ts).
       */
      readonly restore?: { readonly ids: readonly unknown[]; readonly k: number };
    }
  /**
   * An artifact the page's entry fetched for the worker (page-prefetch.ts), or why it could not
   * (the worker then fetches it itself). Times are epoch ms. The manifest's message lists the
   * files that will follow.
   */
  | {
      readonly type: 'prefetched';
      readonly file: string;
      readonly bytes?: ArrayBuffer;
      /** The sha256 the page already checked these bytes against (read from Cache Storage): the worker need not hash them again. */
      readonly checked?: string;
      readonly error?: string;
      readonly startedAt: number;
      readonly endedAt: number;
      readonly files?: readonly string[];
    }
  /** `remote`: the generative model asks this OpenAI-compatible endpoint instead of generating on the device. */
  | { readonly type: 'recommend'; readonly id: number; readonly session: number[]; readonly k: number; readonly remote?: RemoteLlm }
  | { readonly type: 'setBackend'; readonly backend: BackendChoice }
  /** Test hook: destroy the WebGPU device, as a driver reset would, to exercise the fallback. */
  | { readonly type: 'loseDevice' }
  /**
   * To a throw-away worker only (spawn-early.ts, warmEngineCode): answer 'codeLoaded' once the
   * scoring code has loaded, so the browser compiles it a second time and keeps its code cache.
   */
  | { readonly type: 'loadCode' }
  /** Item vectors computed in the browser for the current catalog (same items, same order). */
  | { readonly type: 'useEmbeddings'; readonly vectors: Float32Array; readonly dim: number; readonly source: string }
  /** Another catalog (imported CSV) with its vectors: only embedding models can serve it. */
  | { readonly type: 'useCatalog'; readonly name: string; readonly titles: string[]; readonly vectors: Float32Array; readonly dim: number; readonly source: string }
  /** Back to the dataset's own artifacts. */
  | { readonly type: 'restoreCatalog' }
  /** A new item (cold start): appended to the catalog with its vector. */
  | { readonly type: 'addItem'; readonly title: string; readonly vector: Float32Array }
  /** Catalog items nearest to a free-text query's vector. */
  | { readonly type: 'nearest'; readonly id: number; readonly vector: Float32Array; readonly k: number };

/** Where the time from the worker's start to its first answer went (ms; see load-timings.ts). */
export interface StartupTimings extends LoadBreakdown {
  /** Starting the tfjs backend (in parallel with the downloads). */
  readonly backendMs: number;
  /** When loading started, from the worker's own start (its script's download and evaluation); negative when the page's entry started it first. */
  readonly startMs: number;
  /** Until the scoring code (tfjs, the models) had loaded (negative: before loading started); the artifacts load meanwhile. */
  readonly codeMs: number;
  /** Until every first-needed artifact was downloaded, verified and decoded. */
  readonly loadedMs: number;
  /** Building the first models (fitting, indexes). */
  readonly indexMs: number;
  /** Scoring one throw-away session (kernel/shader compilation). */
  readonly warmUpMs: number;
}

export interface ReadyPayload {
  /** Which catalog this is ("beauty", or an imported file's name). */
  readonly catalogName: string;
  /** Whether it is the dataset's own catalog (sessions and offline report apply). */
  readonly imported: boolean;
  /** Where the item vectors come from. */
  readonly embeddingsSource: string;
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
  /** The first load's breakdown (absent for a catalog switch). */
  readonly startup?: StartupTimings;
  /** The stored session the worker answers on its own (results id 0 follow), as dense indices. */
  readonly restored?: { readonly session: readonly number[]; readonly k: number };
}

export type FromWorker =
  | { readonly type: 'progress'; readonly message: string }
  /** The answer to 'loadCode': the scoring code has loaded (and compiled). */
  | { readonly type: 'codeLoaded' }
  | ({ readonly type: 'ready' } & ReadyPayload)
  | {
      readonly type: 'results';
      readonly id: number;
      readonly results: ModelRecommendations[];
      readonly backend: BackendName;
      readonly candidates?: CandidatesReport;
    }
  /** A generative model's recommendations for request `id`, after the others (or why it failed). */
  | { readonly type: 'generated'; readonly id: number; readonly model: string; readonly result: ModelRecommendations | null; readonly error?: string }
  /** Model statuses changed (backend switch, models fitted); `problems`: files that failed to load meanwhile. */
  | { readonly type: 'backend'; readonly backend: BackendInfo; readonly models: ModelStatus[]; readonly problems?: ArtifactProblem[] }
  | ({ readonly type: 'catalog' } & ReadyPayload)
  | { readonly type: 'nearest'; readonly id: number; readonly items: number[]; readonly scores: number[] }
  | { readonly type: 'fatal'; readonly message: string };
