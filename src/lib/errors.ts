/**
 * Errors the library throws. Every one has a `code`; errors about an artifact also name the
 * file (relative to the base URL), e.g. `catalog.json: checksum mismatch ...`.
 */
export type RecommenderErrorCode =
  /** A required artifact (manifest.json, the catalog) could not be fetched, verified or parsed. */
  | 'artifact'
  /** The scoring worker failed. */
  | 'worker'
  /** The requested model does not exist in this dataset. */
  | 'unknown-model'
  /** The model exists but cannot serve (its file is missing or corrupt, or it needs embeddings). */
  | 'model-unavailable'
  /** `addItem` without local embeddings, or with an id the catalog already has. */
  | 'add-item'
  /** The recommender was disposed. */
  | 'disposed';

export class RecommenderError extends Error {
  readonly code: RecommenderErrorCode;
  /** The artifact the error is about, when there is one. */
  readonly file: string | undefined;

  constructor(code: RecommenderErrorCode, message: string, file?: string) {
    super(message);
    this.name = 'RecommenderError';
    this.code = code;
    this.file = file;
  }
}

/** `manifest.json: HTTP 404` -> `manifest.json` (the worker's messages start with the file). */
export function fileOf(message: string): string | undefined {
  const m = /^([\w./-]+\.(?:json|bin)):/.exec(message);
  return m ? m[1] : undefined;
}
