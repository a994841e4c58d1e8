/**
 * Which files the first recommendation needs, from a manifest. Kept apart from the manifest's
 * schema (zod) so the page's small entry can start those downloads from the manifest's JSON
 * before any schema code has loaded; the worker's loader checks everything again.
 */

/** A file a manifest lists, with its checksum. */
export interface FileRefLike {
  readonly file: string;
  readonly sha256: string;
}

export interface FirstFilesOf {
  readonly catalog: FileRefLike;
  readonly sessions?: FileRefLike;
  readonly embeddings: readonly FileRefLike[];
  readonly evaluation?: FileRefLike;
}

/** Catalog, sessions, the first embeddings and the report, in that order (absent ones left out). */
export function firstRefs(m: FirstFilesOf): FileRefLike[] {
  return [m.catalog, m.sessions, m.embeddings[0], m.evaluation].filter((r): r is FileRefLike => r !== undefined);
}

const isRef = (v: unknown): v is FileRefLike =>
  typeof v === 'object' && v !== null && typeof (v as FileRefLike).file === 'string' && typeof (v as FileRefLike).sha256 === 'string';

/** The first files of a manifest's JSON text, or null if it does not have that shape (the loader then says what is wrong). */
export function firstRefsOfJson(text: string): FileRefLike[] | null {
  let m: unknown;
  try {
    m = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof m !== 'object' || m === null) return null;
  const { catalog, sessions, embeddings, evaluation } = m as Record<string, unknown>;
  if (!isRef(catalog) || !Array.isArray(embeddings) || !embeddings.every(isRef)) return null;
  if ((sessions !== undefined && !isRef(sessions)) || (evaluation !== undefined && !isRef(evaluation))) return null;
  return firstRefs({ catalog, embeddings, ...(sessions ? { sessions } : {}), ...(evaluation ? { evaluation } : {}) });
}
