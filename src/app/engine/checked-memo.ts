import type { CheckedMemo } from '../../core/artifacts/loader.js';

/** The Cache Storage cache holding the memo (one small JSON list). */
const CACHE = 'llmseqrec-checked';
const ENTRY = '/__llmseqrec-checked.json';
/** At most this many remembered contents (newest kept): a few datasets' manifests, catalogs and reports. */
const MAX_KEYS = 64;

/**
 * The browser's memo of checked artifact contents (see CheckedMemo in loader.ts), kept in Cache
 * Storage. `version` must change whenever the checking code changes: the scoring worker passes
 * its entry chunk's URL, whose content hash changes with the loader and (through the chunk names
 * it imports) with the schemas. Keys of other versions are dropped on the next write. Without
 * Cache Storage it remembers nothing (every load checks everything).
 */
export function cacheStorageMemo(version: string): CheckedMemo {
  const key = (check: string, sha256: string) => `${version}|${check}|${sha256}`;
  const keys: Promise<Set<string>> = (async () => {
    try {
      const hit = await (await caches.open(CACHE)).match(ENTRY);
      const list: unknown = hit ? await hit.json() : [];
      return new Set(Array.isArray(list) ? list.filter((k): k is string => typeof k === 'string' && k.startsWith(`${version}|`)) : []);
    } catch {
      return new Set<string>();
    }
  })();
  let writing: Promise<void> = Promise.resolve();
  return {
    has: async (check, sha256) => (await keys).has(key(check, sha256)),
    add(check, sha256) {
      writing = writing.then(async () => {
        const set = await keys;
        if (set.has(key(check, sha256))) return;
        set.add(key(check, sha256));
        const list = [...set].slice(-MAX_KEYS);
        try {
          await (await caches.open(CACHE)).put(ENTRY, new Response(JSON.stringify(list), { headers: { 'content-type': 'application/json' } }));
        } catch {
          // Cache Storage refused (quota, private window): the next load checks again.
        }
      });
    },
  };
}

/** The memo for this build, or undefined where it cannot be trusted to follow the code (the dev server's unhashed modules) or there is no Cache Storage. */
export function checkedMemoFor(moduleUrl: string): CheckedMemo | undefined {
  if (import.meta.env.DEV || typeof caches === 'undefined') return undefined;
  return cacheStorageMemo(moduleUrl);
}
