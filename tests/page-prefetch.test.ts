import { describe, expect, it } from 'vitest';
import { FedFiles } from '../src/app/engine/early-load.js';

/** The files the page's entry hands to the scoring worker (page-prefetch.ts -> early-load.ts). */
describe('files fed by the page to the worker', () => {
  const now = performance.timeOrigin + performance.now();
  const bytes = (s: string) => new TextEncoder().encode(s).buffer as ArrayBuffer;

  it('waits for an announced file, leaves an unannounced one to the worker, and names a file the page could not get', async () => {
    const fed = new FedFiles();
    const manifest = fed.take('manifest.json');
    fed.receive({ type: 'prefetched', file: 'manifest.json', bytes: bytes('{}'), startedAt: now, endedAt: now + 5, files: ['catalog.json', 'eval.json'] });
    expect(new TextDecoder().decode((await manifest)!.bytes)).toBe('{}');
    const catalog = fed.take('catalog.json');
    expect(await fed.take('sessions.bin')).toBeNull(); // not announced: the worker fetches it
    fed.receive({ type: 'prefetched', file: 'catalog.json', bytes: bytes('[1]'), startedAt: now + 6, endedAt: now + 9 });
    const got = (await catalog)!;
    expect(new TextDecoder().decode(got.bytes)).toBe('[1]');
    // Its start is on the worker's clock (here the same realm: the page's epoch time minus the time origin).
    expect(got.startedAt).toBeCloseTo(now + 6 - performance.timeOrigin, 3);
    fed.receive({ type: 'prefetched', file: 'eval.json', startedAt: now, endedAt: now + 3000, error: 'did not finish downloading within 3 s' });
    await expect(fed.take('eval.json')).rejects.toThrow('eval.json: did not finish downloading within 3 s');
  });

  it('a manifest the page could not get is an error naming it (as the worker\'s own fetch would give); later files are left to the worker', async () => {
    const fed = new FedFiles();
    fed.receive({ type: 'prefetched', file: 'manifest.json', startedAt: now, endedAt: now, error: 'HTTP 404' });
    await expect(fed.take('manifest.json')).rejects.toThrow('manifest.json: HTTP 404');
    expect(await fed.take('catalog.json')).toBeNull();
  });
});
