import { firstFiles, httpReader, onceReader } from '../../core/artifacts/loader.js';
import type { ArtifactReader } from '../../core/artifacts/loader.js';
import { type FileStamps, timedReader } from '../../core/artifacts/load-timings.js';
import { parseManifestEntries } from '../../core/artifacts/manifest.js';

/** The dataset's downloads as started by the worker's entry, before the scoring code has loaded. */
export interface EarlyLoad {
  readonly read: ArtifactReader;
  readonly stamps: Map<string, FileStamps>;
  /** When loading started (the start of the start-up breakdown). */
  readonly t0: number;
}

/**
 * A reader for the dataset's files (timed, each file read once) that starts downloading the
 * manifest now and, once it is in, every file of the first recommendation at once. A bad
 * manifest is not reported here: the loader reads the same bytes and names the problem.
 */
export function startDownloads(baseUrl: string, downloadTimeoutMs?: number): EarlyLoad {
  const t0 = performance.now();
  const stamps = new Map<string, FileStamps>();
  const read = onceReader(timedReader(httpReader(baseUrl, (u, init) => fetch(u, init), downloadTimeoutMs), stamps));
  void read('manifest.json')
    .then((bytes) => read.prefetch?.(firstFiles(parseManifestEntries(new TextDecoder().decode(bytes), 'manifest.json').manifest)))
    .catch(() => {});
  return { read, stamps, t0 };
}
