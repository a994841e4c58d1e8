import type { ArtifactReader } from './loader.js';

/**
 * Where the time to the first recommendation goes, file by file: when each artifact's read
 * started, when its bytes were in (download), when its checksum was checked (verify) and when
 * it was decoded into typed arrays (decode). A reader wrapped by `timedReader` stamps the
 * first three; the loader stamps 'done'. Times are `performance.now()` of the realm that loads.
 */
export type LoadStamp = 'start' | 'downloaded' | 'verified' | 'done';
export type FileStamps = Partial<Record<LoadStamp, number>>;

export function timedReader(read: ArtifactReader, stamps: Map<string, FileStamps>): ArtifactReader {
  const stamp = (file: string, at: LoadStamp) => {
    const s = stamps.get(file) ?? {};
    s[at] = performance.now();
    stamps.set(file, s);
  };
  const timed: ArtifactReader = async (file) => {
    stamp(file, 'start');
    const bytes = await read(file);
    stamp(file, 'downloaded');
    return bytes;
  };
  timed.stamp = stamp;
  return timed;
}

export interface FileLoadTiming {
  readonly file: string;
  readonly downloadMs: number;
  readonly verifyMs: number;
  readonly decodeMs: number;
}

export interface LoadBreakdown {
  /** From the start of loading until the last file's bytes were in (files download in parallel). */
  readonly downloadWallMs: number;
  /** Summed over files: checksum checks, and decoding (JSON parse, typed arrays). */
  readonly verifyMs: number;
  readonly decodeMs: number;
  readonly files: FileLoadTiming[];
}

export function loadBreakdown(stamps: ReadonlyMap<string, FileStamps>, t0: number): LoadBreakdown {
  const files: FileLoadTiming[] = [];
  let lastIn = t0;
  for (const [file, s] of stamps) {
    if (s.start === undefined || s.downloaded === undefined) continue;
    lastIn = Math.max(lastIn, s.downloaded);
    const verified = s.verified ?? s.downloaded;
    files.push({ file, downloadMs: s.downloaded - s.start, verifyMs: verified - s.downloaded, decodeMs: s.done !== undefined ? Math.max(0, s.done - verified) : 0 });
  }
  return {
    downloadWallMs: lastIn - t0,
    verifyMs: files.reduce((a, f) => a + f.verifyMs, 0),
    decodeMs: files.reduce((a, f) => a + f.decodeMs, 0),
    files,
  };
}
