import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseManifest, sha256Hex } from '../src/core/artifacts/manifest.js';
import { bytesMatch, keyedUrl, keyHash, manifestFiles, splitArtifactUrl } from '../src/sw/artifact-cache.js';

const dir = join(__dirname, '..', 'public', 'models', 'beauty');
const manifest = parseManifest(readFileSync(join(dir, 'manifest.json'), 'utf8'));

describe("the service worker's artifact cache rules", () => {
  it('knows every file the Beauty manifest lists, with the hash of the shipped bytes', async () => {
    const files = manifestFiles(manifest);
    expect(files.get('catalog.json')).toBe(manifest.catalog.sha256);
    // LLMSeqPrompt's files too (they were left out, and it failed offline).
    expect([...files.keys()]).toEqual(expect.arrayContaining(['sessions.bin', 'eval.json', 'gru4rec/weights.bin', 'llm2bert4rec/model.json', 'llmseqprompt/weights.bin']));
    // catalog, sessions, eval.json, every embeddings file, and model.json + weights.bin + train-log.json per trained model of either kind
    const trained = [...(manifest.sequentialModels ?? []), ...(manifest.promptModels ?? [])];
    expect(manifest.promptModels?.length).toBeGreaterThan(0);
    expect(files.size).toBe(3 + manifest.embeddings.length + trained.reduce((n, t) => n + 2 + (t.trainLog ? 1 : 0), 0));
    const bytes = readFileSync(join(dir, 'sessions.bin'));
    expect(await sha256Hex(bytes)).toBe(files.get('sessions.bin'));
  });

  it('keys an artifact URL by its hash, and never treats the manifest as an artifact', () => {
    const url = new URL('http://127.0.0.1:4173/app/models/beauty/sasrec/weights.bin');
    expect(splitArtifactUrl(url)).toEqual({ base: 'http://127.0.0.1:4173/app/models/beauty/', file: 'sasrec/weights.bin' });
    expect(splitArtifactUrl(new URL('http://127.0.0.1:4173/models/beauty/manifest.json'))).toBeNull();
    expect(splitArtifactUrl(new URL('http://127.0.0.1:4173/assets/index.js'))).toBeNull();
    const sha = 'a'.repeat(64);
    const key = keyedUrl(new URL(`${url.href}?x=1`), sha);
    expect(key).toBe(`${url.href}?v=${sha}`);
    expect(keyHash(key)).toBe(sha);
    expect(keyHash(url.href)).toBeNull();
  });

  it('accepts a response only if its bytes hash to the key, and leaves it readable', async () => {
    const body = new TextEncoder().encode('hello');
    const sha = await sha256Hex(body);
    const res = new Response(body);
    expect(await bytesMatch(res, sha)).toBe(true);
    expect(await res.text()).toBe('hello');
    const bad = Uint8Array.from(body);
    bad[0] ^= 1;
    expect(await bytesMatch(new Response(bad), sha)).toBe(false);
  });
});
