import { firstRefsOfJson } from '../../core/artifacts/first-files.js';
import { httpReader } from '../../core/artifacts/http-reader.js';
import { InputError } from '../../core/errors.js';
import { cachedArtifact } from './cached-fetch.js';
import type { ToWorker } from './messages.js';

/** Epoch milliseconds: comparable between the page and the worker (their performance clocks start apart). */
export const epochNow = (): number => performance.timeOrigin + performance.now();

/**
 * The page's entry downloads the manifest and the first recommendation's files itself, while
 * the scoring worker's script is still being fetched and compiled (~70-150 ms), and hands each
 * file's bytes to the worker as it arrives (transferred, not copied). The worker checks and
 * decodes them as if it had fetched them (early-load.ts). A file the page could not get is
 * reported to the worker with the reader's own message (HTTP status, timeout), which the app
 * shows as it would have shown the worker's.
 */
export function prefetchForWorker(worker: Worker, baseUrl: string, timeoutMs: number): void {
  const send = (msg: Extract<ToWorker, { type: 'prefetched' }>) => worker.postMessage(msg, msg.bytes ? [msg.bytes] : []);
  let hashes = new Map<string, string>();
  const read = httpReader(baseUrl, (url, init) => fetch(url, init), timeoutMs);
  const fetchOne = async (file: string, announce?: (bytes: Uint8Array) => string[]) => {
    const startedAt = epochNow();
    try {
      // A repeat visit: Cache Storage, checked here once (the worker does not hash it again).
      const cached = file === 'manifest.json' ? null : await cachedArtifact(`${baseUrl}${file}`, async () => hashes);
      const bytes = cached?.bytes ?? (await read(file));
      const files = announce?.(bytes);
      // A fresh buffer of exactly the file's bytes, transferred to the worker.
      const buffer = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength ? (bytes.buffer as ArrayBuffer) : bytes.slice().buffer;
      send({ type: 'prefetched', file, bytes: buffer, startedAt, endedAt: epochNow(), ...(files ? { files } : {}), ...(cached ? { checked: cached.sha256 } : {}) });
      return true;
    } catch (e) {
      // InputError's message starts with the file name; the worker names the file again.
      const why = e instanceof InputError ? e.message.slice(file.length + 2) : e instanceof Error ? e.message : String(e);
      send({ type: 'prefetched', file, startedAt, endedAt: epochNow(), error: why });
      return false;
    }
  };
  void (async () => {
    const ok = await fetchOne('manifest.json', (bytes) => {
      const refs = firstRefsOfJson(new TextDecoder().decode(bytes)) ?? [];
      hashes = new Map(refs.map((r) => [r.file, r.sha256]));
      return [...hashes.keys()];
    });
    if (ok) for (const file of hashes.keys()) void fetchOne(file);
  })();
}
