import type { BackendChoice, BackendName, CandidatesEndpoint } from '../app/engine/messages.js';

export type { BackendChoice, BackendName, CandidatesEndpoint };

/** An item id as in the dataset's catalog (`item_id` of items.csv). */
export type ItemId = number;

export interface RecommenderOptions {
  /** Where the dataset's artifacts are served: the folder holding manifest.json, e.g. '/models/beauty/'. */
  readonly baseUrl: string;
  /** Only these models are listed and used (default: every model the manifest can serve). */
  readonly models?: readonly string[];
  /** Compute backend: 'auto' (default) picks WebGPU on a hardware adapter, else WASM, WebGL, CPU. */
  readonly backend?: BackendChoice;
  /**
   * Turns on `addItem`: titles are embedded in the browser by the potion-base-4M model, loaded
   * from the site's `/models/potion-base-4M-int8/` (copy it there from public/models/). This is
   * the one request outside `baseUrl`, made only on the first `addItem`.
   */
  readonly localEmbeddings?: boolean;
  /**
   * A vector index outside the browser for catalogs too big to score here (`npm run cli --
   * serve`, LanceDB): every session's embedding is sent to `endpoint` (the one other place
   * the library then talks to), which returns the `n` nearest items; LLMSeqSim and the
   * trained sequential models re-rank those on the device, the other models score the catalog
   * as usual. If the request fails, every model scores the catalog and the result says why.
   */
  readonly candidates?: CandidatesEndpoint;
}

export interface RecommendOptions {
  /** A model name from `models()` (default: the available model with the best validation NDCG@20). */
  readonly model?: string;
  /** How many items (default 10). */
  readonly k?: number;
  /** Say which session item each suggestion comes from (default true). */
  readonly explain?: boolean;
}

export interface RecommendedItem {
  readonly id: ItemId;
  readonly title: string;
  readonly score: number;
  /** The session item that contributed most to this suggestion, if the model can tell. */
  readonly because?: { readonly id: ItemId; readonly title: string };
}

export interface Recommendations {
  readonly items: RecommendedItem[];
  readonly model: string;
  readonly backend: BackendName;
  /** Request to answer, in this page (ms). */
  readonly latencyMs: number;
  /** Session ids that are not in the catalog (left out of the session). */
  readonly ignored: ItemId[];
  /** With a candidates endpoint: what it proposed for this session, and whether this model re-ranked it. */
  readonly candidates?: {
    /** The endpoint's origin. */
    readonly source: string;
    /** Candidates received (0 if the request failed). */
    readonly n: number;
    /** The request's time (ms). */
    readonly ms: number;
    /** This model scored only the candidates (false: it scored the whole catalog). */
    readonly reranked: boolean;
    /** Why the request failed (the model then scored the whole catalog). */
    readonly error?: string;
  };
}

export interface ModelInfo {
  readonly name: string;
  readonly label: string;
  /** The validation NDCG@20 that selected the model's config (from eval.json), if known. */
  readonly validationNdcg20: number | null;
  readonly available: boolean;
  /** Still being prepared (fitted or downloaded); available shortly. */
  readonly loading: boolean;
  /** Why the model cannot serve, when it cannot. */
  readonly reason?: string;
}

export interface CatalogItem {
  readonly id: ItemId;
  readonly title: string;
}

export interface Recommender {
  /** The dataset's name (from its manifest). */
  readonly dataset: string;
  /** The catalog: every item's id and title, in catalog order. */
  catalog(): readonly CatalogItem[];
  /** Title of an item id, if it is in the catalog. */
  title(id: ItemId): string | undefined;
  models(): ModelInfo[];
  /** The available model with the best validation NDCG@20 (what `recommend` uses by default). */
  bestModel(): string | null;
  recommend(session: readonly ItemId[], options?: RecommendOptions): Promise<Recommendations>;
  /** Adds an item (cold start) so embedding models can recommend it at once. Needs `localEmbeddings`. */
  addItem(item: CatalogItem): Promise<void>;
  /** Calls `listener` whenever the models' availability changes; returns an unsubscribe function. */
  onChange(listener: () => void): () => void;
  dispose(): void;
}
