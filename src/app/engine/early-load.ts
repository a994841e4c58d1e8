import { httpReader, loadArtifacts, type LoadedArtifacts, onceReader } from '../../core/artifacts/loader.js';
import type { ArtifactReader } from '../../core/artifacts/loader.js';
import { firstRefsOfJson } from '../../core/artifacts/first-files.js';
import { markChecked } from '../../core/artifacts/file-checks.js';
import { type FileStamps, timedReader } from '../../core/artifacts/load-timings.js';
import { cachedArtifact } from './cached-fetch.js';
import { checkedMemoFor } from './checked-memo.js';
import type { ToWorker } from './messages.js';
import { InputError } from '../../core/errors.js';

/** The dataset's downloads as started by the worker's entry, before the scoring code has loaded. */
export interface EarlyLoad {
  readonly read: ArtifactReader;
  readonly stamps: Map<string, FileStamps>;
  /** When loading started, on this worker's clock (the start of the start-up breakdown); earlier if the page began it. */
  t0(): number;
  /**
   * The first recommendation's artifacts, downloaded, verified and decoded here, by the
   * worker's small entry, while the scoring code (tfjs, the models) is still being fetched and
   * compiled: decoding no longer waits for that code.
   */
  readonly artifacts: Promise<LoadedArtifacts>;
}

type Prefetched = Extract<ToWorker, { type: 'prefetched' }>;
/** A file the page will not send (the worker fetches it). */
const NOT_SENT = 'not prefetched';

/** An epoch time from the page on this worker's performance clock. */
const local = (epochMs: number): number => epochMs - performance.timeOrigin;

/**
 * The files the page's entry fetches for this worker (page-prefetch.ts), as they arrive. A file
 * the page does not announce, or could not get, is left to the worker's own fetch.
 */
export class FedFiles {
  private readonly arrived = new Map<string, Prefetched>();
  private readonly waiting = new Map<string, (m: Prefetched) => void>();
  /** The files the page's manifest message announced (null until it arrives). */
  private announced: ReadonlySet<string> | null = null;
  /** When the page started (its manifest download), on this worker's clock. */
  startedAt: number | null = null;

  receive(msg: Prefetched): void {
    if (msg.file === 'manifest.json') {
      this.announced = new Set(msg.bytes ? (msg.files ?? []) : []);
      this.startedAt = local(msg.startedAt);
      // Files asked for before the manifest arrived, that the page will not send: fetched by the worker.
      for (const [file, resolve] of this.waiting) if (file !== 'manifest.json' && !this.announced.has(file)) resolve({ ...msg, file, bytes: undefined, error: NOT_SENT });
    }
    this.arrived.set(msg.file, msg);
    this.waiting.get(msg.file)?.(msg);
    this.waiting.delete(msg.file);
  }

  /**
   * The page's bytes of a file and when it started fetching it (worker clock); an InputError
   * naming the file if the page could not get it; null if the page does not send it (fetch it).
   */
  async take(file: string): Promise<{ bytes: Uint8Array; startedAt: number; checked?: string } | null> {
    if (file !== 'manifest.json' && this.announced && !this.announced.has(file)) return null;
    const msg = this.arrived.get(file) ?? (await new Promise<Prefetched>((resolve) => this.waiting.set(file, resolve)));
    if (msg.error !== undefined && msg.error !== NOT_SENT) throw new InputError(file, msg.error);
    return msg.bytes ? { bytes: new Uint8Array(msg.bytes), startedAt: local(msg.startedAt), ...(msg.checked ? { checked: msg.checked } : {}) } : null;
  }
}

/**
 * A reader for the dataset's files (timed, each file read once) that starts downloading the
 * manifest now and, once it is in, every file of the first recommendation at once, and loads
 * them (see `artifacts`). With `fed`, the page's entry sends those files instead (it started
 * before this worker's script had loaded). A bad manifest is reported where `artifacts` is
 * awaited, naming the file.
 */
export function startDownloads(baseUrl: string, downloadTimeoutMs?: number, progress?: (message: string) => void, fed?: FedFiles): EarlyLoad {
  const started = performance.now();
  const stamps = new Map<string, FileStamps>();
  let hashes: Promise<Map<string, string> | null> = Promise.resolve(null);
  const network = httpReader(baseUrl, (url, init) => fetch(url, init), downloadTimeoutMs);
  // Cache Storage first (read and hashed once, not hashed again by the loader), else the network.
  const http: ArtifactReader = async (file) => {
    const cached = await cachedArtifact(`${baseUrl}${file}`, () => hashes);
    if (!cached) return network(file);
    markChecked(cached.bytes, cached.sha256);
    return cached.bytes;
  };
  const fromPage: ArtifactReader = async (file) => {
    const got = await fed?.take(file);
    if (!got) return http(file);
    const s = stamps.get(file);
    if (s) s.start = got.startedAt; // the page began this download
    if (got.checked) markChecked(got.bytes, got.checked); // hashed by the page (Cache Storage)
    return got.bytes;
  };
  const read = onceReader(timedReader(fed ? fromPage : http, stamps));
  const manifest = read('manifest.json').then((bytes) => firstRefsOfJson(new TextDecoder().decode(bytes)) ?? []);
  hashes = manifest.then((refs) => new Map(refs.map((r) => [r.file, r.sha256])), () => null);
  void manifest.then((refs) => read.prefetch?.(refs.map((r) => r.file))).catch(() => {});
  // Contents checked on an earlier visit with this build are not checked again (no schema code before the first answer).
  const artifacts = loadArtifacts(read, progress, checkedMemoFor(import.meta.url));
  artifacts.catch(() => {}); // reported where it is awaited (the init message)
  return { read, stamps, t0: () => Math.min(started, fed?.startedAt ?? started), artifacts };
}
