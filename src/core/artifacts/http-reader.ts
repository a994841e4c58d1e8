import { InputError } from '../errors.js';
import type { ArtifactReader } from './loader.js';

// Apart from loader.ts (which needs the manifest's schema) so the page's small entry can use it too.

/**
 * A reader over HTTP: `baseUrl` + file, with a timeout per file so a download that never ends
 * names the file that stalled instead of blocking start-up forever.
 */
export function httpReader(baseUrl: string, fetcher: (url: string, init?: { signal?: AbortSignal }) => Promise<Response>, timeoutMs = 30_000): ArtifactReader {
  return async (file) => {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), timeoutMs);
    try {
      const res = await fetcher(`${baseUrl}${file}`, { signal: controller.signal });
      if (!res.ok) throw new InputError(file, `HTTP ${res.status} ${res.statusText || ''}`.trim());
      return new Uint8Array(await res.arrayBuffer());
    } catch (e) {
      if (e instanceof InputError) throw e;
      if (controller.signal.aborted) throw new InputError(file, `did not finish downloading within ${Math.round(timeoutMs / 1000)} s`);
      throw new InputError(file, `could not be fetched (${e instanceof Error ? e.message : String(e)})`);
    } finally {
      clearTimeout(timer);
    }
  };
}
