import { sha256Hex } from '../core/artifacts/sha256.js';

/**
 * How artifacts are keyed in Cache Storage (see artifact-cache.ts for the rules), without the
 * manifest schema: the page's small entry and the scoring worker's entry read the cache too.
 */

/** The Cache Storage cache of the artifacts (the service worker fills it; the scoring worker reads it too). */
export const ARTIFACTS_CACHE = 'llmseqrec-artifacts';

/** `.../models/<dataset>/` and the file path under it, for an artifact URL; null for other URLs. */
export function splitArtifactUrl(url: URL): { base: string; file: string } | null {
  const m = /^(.*\/models\/[^/]+\/)(.+)$/.exec(url.pathname);
  if (!m || m[2] === 'manifest.json') return null;
  return { base: `${url.origin}${m[1]}`, file: decodeURIComponent(m[2]) };
}

export function keyedUrl(url: URL, sha256: string): string {
  return `${url.origin}${url.pathname}?v=${sha256}`;
}

/** The sha256 a cache key names (its `v` parameter), or null. */
export function keyHash(key: string): string | null {
  const v = new URL(key).searchParams.get('v');
  return v && /^[0-9a-f]{64}$/.test(v) ? v : null;
}

export async function bytesMatch(res: Response, sha256: string): Promise<boolean> {
  const bytes = new Uint8Array(await res.clone().arrayBuffer());
  return (await sha256Hex(bytes)) === sha256;
}

