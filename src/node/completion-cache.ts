import { createHash } from 'node:crypto';
import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { CompletionCache } from '../llm/openai-llm.js';

/**
 * The completion cache on disk: an append-only JSONL file of {key: sha256(model, parameters,
 * prompt), texts}, loaded at start, so an evaluation re-runs at zero requests and gives the
 * same lists. A torn last line (the process died mid-write) is ignored and re-requested.
 */
export function diskCompletionCache(path: string): CompletionCache & { readonly size: number } {
  const map = new Map<string, readonly string[]>();
  if (existsSync(path)) {
    for (const line of readFileSync(path, 'utf8').split('\n')) {
      if (!line.trim()) continue;
      try {
        const r = JSON.parse(line) as { key: string; texts: string[] };
        map.set(r.key, r.texts);
      } catch {
        break;
      }
    }
  }
  const hash = (key: string) => createHash('sha256').update(key).digest('hex');
  return {
    get size() {
      return map.size;
    },
    get: (key) => map.get(hash(key)),
    set(key, texts) {
      const h = hash(key);
      map.set(h, texts);
      mkdirSync(dirname(path), { recursive: true });
      appendFileSync(path, `${JSON.stringify({ key: h, texts })}\n`);
    },
  };
}
