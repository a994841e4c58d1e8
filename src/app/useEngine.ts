import { spawnEngine, takeEarlyEngine } from './engine/spawn-early.js';
import { recordWorkerReady } from './test-hooks.js';
import { useCallback, useEffect, useRef, useState } from 'react';
import type { BackendChoice, BackendInfo, CandidatesReport, FromWorker, ModelRecommendations, ModelStatus, ReadyPayload, RemoteLlm, ToWorker } from './engine/messages.js';

export interface EngineState {
  readonly phase: 'loading' | 'ready' | 'fatal';
  readonly progress: string;
  readonly ready: ReadyPayload | null;
  readonly backend: BackendInfo | null;
  readonly models: ModelStatus[];
  readonly results: ModelRecommendations[] | null;
  /** With a candidates endpoint (VITE_CANDIDATES_ENDPOINT): how the last session's candidates were fetched. */
  readonly candidates: CandidatesReport | null;
  /** Counts 'results' messages (not the generative models' later answers): what timings key on. */
  readonly resultsSeq: number;
  /** Why a generative model's last generation failed, by model. */
  readonly generationErrors: Readonly<Record<string, string | undefined>>;
  /** Wall time of the last session change: request sent -> results received (ms). */
  readonly lastRoundTripMs: number | null;
  readonly fatal: string | null;
}

const INITIAL: EngineState = {
  phase: 'loading',
  progress: 'Starting',
  ready: null,
  backend: null,
  models: [],
  results: null,
  candidates: null,
  resultsSeq: 0,
  generationErrors: {},
  lastRoundTripMs: null,
  fatal: null,
};

type ResultsMessage = Extract<FromWorker, { type: 'results' }>;

const sameItems = (a: readonly number[], b: readonly number[]) => a.length === b.length && a.every((x, i) => x === b[i]);

/** The scoring worker as React state: results always belong to the latest session sent. `dataset`: whose stored session the worker answers first. */
export function useEngine(baseUrl: string, backend: BackendChoice, dataset?: string) {
  const [state, setState] = useState<EngineState>(INITIAL);
  const worker = useRef<Worker | null>(null);
  const latest = useRef({ id: 0, sentAt: 0 });
  const pending = useRef(new Map<number, (r: { items: number[]; scores: number[] }) => void>());
  const nextId = useRef(1_000_000);
  /**
   * The worker's own answer to the stored session ('restored' in 'ready', results id 0): the
   * first recommend call for that session takes it (now, or when it arrives) instead of asking
   * again; any other first call discards it.
   */
  const storedAnswer = useRef<{ session: readonly number[]; k: number; results: ResultsMessage | null; claimed: boolean } | null>(null);

  const deliver = useCallback((msg: ResultsMessage) => {
    setState((s) => ({
      ...s,
      results: msg.results,
      candidates: msg.candidates ?? null,
      resultsSeq: s.resultsSeq + 1,
      lastRoundTripMs: performance.now() - latest.current.sentAt,
    }));
  }, []);

  useEffect(() => {
    let w: Worker;
    let replay: FromWorker[] = [];
    const early = takeEarlyEngine();
    if (early && early.key === `${baseUrl}|${backend}`) {
      ({ worker: w, buffered: replay } = early);
    } else {
      early?.worker.terminate();
      w = spawnEngine(baseUrl, backend, dataset);
    }
    worker.current = w;
    const onMessage = (msg: FromWorker) => {
      switch (msg.type) {
        case 'progress':
          setState((s) => ({ ...s, progress: msg.message }));
          break;
        case 'ready':
        case 'catalog': {
          if (msg.type === 'ready') {
            recordWorkerReady(msg.startup);
            storedAnswer.current = msg.restored ? { ...msg.restored, results: null, claimed: false } : null;
          }
          const { type: _t, ...payload } = msg;
          setState((s) => ({ ...s, phase: 'ready', ready: payload, backend: msg.backend, models: msg.models, results: null }));
          break;
        }
        case 'nearest': {
          const resolve = pending.current.get(msg.id);
          pending.current.delete(msg.id);
          resolve?.({ items: msg.items, scores: msg.scores });
          break;
        }
        case 'backend': {
          // The models changed after the stored session was answered: that answer lacks them.
          if (storedAnswer.current && !storedAnswer.current.claimed) storedAnswer.current = null;
          const extra = msg.problems ?? [];
          setState((s) => ({
            ...s,
            backend: msg.backend,
            models: msg.models,
            ready: s.ready && extra.length > 0 ? { ...s.ready, problems: [...s.ready.problems, ...extra.filter((p) => !s.ready!.problems.some((q) => q.file === p.file))] } : s.ready,
          }));
          break;
        }
        case 'results':
          if (msg.id === 0 && storedAnswer.current) {
            if (!storedAnswer.current.claimed) {
              storedAnswer.current.results = msg; // the stored session's answer, before the page asked for it
              break;
            }
            storedAnswer.current = null; // asked for already: delivered below if it is still the latest
          }
          if (msg.id !== latest.current.id) break; // a newer session is on its way
          deliver(msg);
          break;
        case 'generated': {
          if (msg.id !== latest.current.id) break;
          const result = msg.result ?? { model: msg.model, items: [], scores: [], because: [], ms: 0, generated: [] };
          setState((s) => ({ ...s, results: [...(s.results ?? []).filter((r) => r.model !== msg.model), result], generationErrors: { ...s.generationErrors, [msg.model]: msg.error } }));
          break;
        }
        case 'fatal':
          setState((s) => ({ ...s, phase: s.phase === 'ready' ? 'ready' : 'fatal', fatal: msg.message }));
          break;
      }
    };
    w.onmessage = (ev: MessageEvent<FromWorker>) => onMessage(ev.data);
    w.onerror = (e) => setState((s) => ({ ...s, phase: 'fatal', fatal: `the scoring worker failed: ${e.message}` }));
    replay.forEach(onMessage);
    return () => w.terminate();
    // The backend is switched with setBackend below, not by restarting the worker.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [baseUrl]);

  const recommend = useCallback((session: readonly number[], k: number, remote?: RemoteLlm) => {
    const e = storedAnswer.current;
    storedAnswer.current = null;
    // Only once: a later call (even for the same session: the models may have changed) asks the worker.
    if (e && !e.claimed && latest.current.id === 0 && !remote && k === e.k && sameItems(session, e.session)) {
      latest.current = { id: 0, sentAt: performance.now() };
      if (e.results) deliver(e.results);
      else storedAnswer.current = { ...e, claimed: true }; // delivered when it arrives
      return;
    }
    const id = latest.current.id + 1;
    latest.current = { id, sentAt: performance.now() };
    const msg: ToWorker = { type: 'recommend', id, session: [...session], k, ...(remote ? { remote } : {}) };
    worker.current?.postMessage(msg);
  }, [deliver]);

  const switchBackend = useCallback((choice: BackendChoice) => {
    const msg: ToWorker = { type: 'setBackend', backend: choice };
    worker.current?.postMessage(msg);
  }, []);

  const loseDevice = useCallback(() => {
    const msg: ToWorker = { type: 'loseDevice' };
    worker.current?.postMessage(msg);
  }, []);

  const send = useCallback((msg: ToWorker, transfer: Transferable[] = []) => worker.current?.postMessage(msg, transfer), []);

  /** Catalog items nearest to a vector (a free-text query's embedding). */
  const nearest = useCallback(
    (vector: Float32Array, k: number) =>
      new Promise<{ items: number[]; scores: number[] }>((resolve) => {
        const id = nextId.current++;
        pending.current.set(id, resolve);
        send({ type: 'nearest', id, vector, k });
      }),
    [send],
  );

  return { state, recommend, switchBackend, loseDevice, send, nearest };
}
