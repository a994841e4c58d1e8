import type { FromEmbedder } from './embed/messages.js';
import type { StartupTimings } from './engine/messages.js';

/**
 * Every hook the tests and benchmarks read from the page, in one place. They are plain data on
 * `window`, written by the app as it works; nothing here changes what a shopper sees.
 */
declare global {
  interface Window {
    /** Timings of each session change, session sent -> recommendations rendered (for `npm run bench`). */
    __llmseqrecTimings?: { renderedMs: number; perModel: Record<string, number>; backend: string; at: number; sessionLength: number }[];
    /** For `npm run bench` and e2e: load test case c (its prompt) as the session; lose the WebGPU device. */
    __llmseqrec?: { testCases: number; loadTestCase(c: number): void; loseDevice(): void };
    /** The last local catalog embedding (vectors kept only if __llmseqrecKeepVectors). */
    __llmseqrecEmbed?: { ms: number; loadMs: number; device: string; fromCache: boolean; count: number; dim: number; vectors?: Float32Array };
    __llmseqrecKeepVectors?: boolean;
    /**
     * The first load (for `npm run bench`): page time when the scoring worker was started and
     * when it was ready, and the worker's own breakdown (download, verify, decode, index, warm-up).
     */
    __llmseqrecStartup?: { spawnedAt: number; readyAt?: number; worker?: StartupTimings };
    /** How many of the dataset manifest's files the service worker has cached (offline use). */
    __llmseqrecOffline?: { files: number; cached: number };
    /** Whether this visit loaded the scoring code once more for the browser's code cache (spawn-early.ts, warmEngineCode), and how long it took. */
    __llmseqrecCodeWarm?: { result: 'warmed' | 'already' | 'failed'; ms: number };
  }
}

export function recordOfflineCache(files: number, cached: number): void {
  window.__llmseqrecOffline = { files, cached };
}

export function recordCodeWarm(result: 'warmed' | 'already' | 'failed', ms: number): void {
  window.__llmseqrecCodeWarm = { result, ms };
}

export function recordTiming(renderedMs: number, perModel: Record<string, number>, backend: string, sessionLength: number): void {
  (window.__llmseqrecTimings ??= []).push({ renderedMs, perModel, backend, at: performance.now(), sessionLength });
}

export function exposeTestCases(hooks: NonNullable<Window['__llmseqrec']>): void {
  window.__llmseqrec = hooks;
}

export function loadTestCase(c: number): void {
  window.__llmseqrec?.loadTestCase(c);
}

export function recordEmbedding(r: Extract<FromEmbedder, { type: 'catalogDone' }>): void {
  window.__llmseqrecEmbed = {
    ms: r.ms,
    loadMs: r.loadMs,
    device: r.info.device,
    fromCache: r.fromCache,
    count: r.vectors.length / r.dim,
    dim: r.dim,
    ...(window.__llmseqrecKeepVectors ? { vectors: r.vectors.slice() } : {}),
  };
}

export function recordWorkerSpawned(): void {
  window.__llmseqrecStartup ??= { spawnedAt: performance.now() };
}

export function recordWorkerReady(worker: StartupTimings | undefined): void {
  const s = window.__llmseqrecStartup;
  if (s && s.readyAt === undefined) Object.assign(s, { readyAt: performance.now(), ...(worker ? { worker } : {}) });
}
