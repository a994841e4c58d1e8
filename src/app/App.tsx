import { useEffect, useMemo, useRef, useState } from 'react';
import { BackendBar } from './components/BackendBar.js';
import { CatalogSearch } from './components/CatalogSearch.js';
import { EmbeddingsPanel } from './components/EmbeddingsPanel.js';
import { EvaluationView } from './components/EvaluationView.js';
import { useEmbedder } from './embed/useEmbedder.js';
import { Recommendations } from './components/Recommendations.js';
import { SessionPanel } from './components/SessionPanel.js';
import type { DatasetChoice } from './datasets.js';
import { modelsBaseUrl } from './datasets.js';
import type { BackendChoice } from './engine/messages.js';
import { loadBackendChoice, loadSessionIds, saveBackendChoice, saveSessionIds } from './storage.js';
import { useEngine } from './useEngine.js';

const K = 10;

/** A test session loaded from the dataset: what the shopper actually added next. */
export interface Actual {
  readonly sessionId: number;
  readonly target: number;
}

declare global {
  interface Window {
    /** Timings of each session change, session sent -> recommendations rendered (for `npm run bench`). */
    __llmseqrecTimings?: { renderedMs: number; perModel: Record<string, number>; backend: string; at: number }[];
    /** Test hooks for `npm run bench`: load test case c (its prompt) as the session. */
    __llmseqrec?: { testCases: number; loadTestCase(c: number): void; loseDevice(): void };
  }
}

export function App({ dataset, datasets, onDataset }: { dataset: string; datasets: readonly DatasetChoice[]; onDataset: (name: string) => void }) {
  const BASE_URL = modelsBaseUrl(dataset);
  const DATASET = dataset;
  const [tab, setTab] = useState<'recommend' | 'evaluation'>('recommend');
  const [backendChoice, setBackendChoice] = useState<BackendChoice>(loadBackendChoice);
  const { state, recommend, switchBackend, loseDevice, send, nearest } = useEngine(BASE_URL, backendChoice);
  const embedder = useEmbedder();
  const [session, setSession] = useState<number[]>([]);
  const [actual, setActual] = useState<Actual | null>(null);
  const sentAt = useRef(0);
  const ready = state.ready;

  // Restore the saved session (stored as dataset ids) once the catalog is known.
  const denseOf = useMemo(() => {
    const m = new Map<number, number>();
    ready?.ids.forEach((id, i) => m.set(id, i));
    return m;
  }, [ready]);
  const catalogKey = ready ? (ready.imported ? `import:${ready.catalogName}` : ready.catalogName) : '';
  useEffect(() => {
    if (!ready) return;
    setSession(loadSessionIds(catalogKey).map((id) => denseOf.get(id)).filter((i): i is number => i !== undefined));
    setActual(null);
    // Only when the catalog itself changes (not when an item is appended to it).
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [catalogKey]);

  // Score on every change; persist the session.
  useEffect(() => {
    if (!ready) return;
    saveSessionIds(catalogKey, session.filter((i) => i < ready.ids.length).map((i) => ready.ids[i]));
    sentAt.current = performance.now();
    recommend(session, K);
  }, [session, ready, recommend, state.backend, state.models]);

  useEffect(() => {
    if (!state.results) return;
    const perModel: Record<string, number> = {};
    for (const r of state.results) perModel[r.model] = r.ms;
    const now = performance.now();
    (window.__llmseqrecTimings ??= []).push({ renderedMs: now - sentAt.current, perModel, backend: state.backend?.name ?? '', at: now });
  }, [state.results, state.backend]);

  useEffect(() => {
    const t = ready?.test;
    if (!t) return;
    window.__llmseqrec = {
      testCases: t.targets.length,
      loadTestCase: (c: number) => {
        setSession(Array.from(t.promptItems.subarray(t.promptOffsets[c], t.promptOffsets[c + 1])));
        setActual({ sessionId: t.sessionIds[c], target: t.targets[c] });
      },
      loseDevice,
    };
  }, [ready, loseDevice]);

  const add = (item: number) => setSession((s) => (s.includes(item) ? s : [...s, item]));

  const chooseBackend = (choice: BackendChoice) => {
    setBackendChoice(choice);
    saveBackendChoice(choice);
    switchBackend(choice);
  };

  const loadRandomTestSession = () => {
    const n = ready?.test?.targets.length ?? 0;
    if (n > 0) window.__llmseqrec?.loadTestCase(Math.floor(Math.random() * n));
  };

  return (
    <div className="app">
      <header>
        <h1>LLMSeqRec</h1>
        <p className="tagline">Next-item suggestions from LLM embeddings, computed on this device. Nothing you add leaves your browser.</p>
        <nav aria-label="Views">
          <button type="button" aria-pressed={tab === 'recommend'} onClick={() => setTab('recommend')}>
            Recommend
          </button>
          <button type="button" aria-pressed={tab === 'evaluation'} onClick={() => setTab('evaluation')}>
            Evaluation
          </button>
        </nav>
        <label>
          Dataset{' '}
          <select data-testid="dataset-picker" value={dataset} onChange={(e) => onDataset(e.target.value)}>
            {datasets.map((d) => (
              <option key={d.name} value={d.name}>
                {d.label}
              </option>
            ))}
          </select>
        </label>
        <a href="#/shop">Shop view</a>
        <BackendBar backend={state.backend} choice={backendChoice} onChoose={chooseBackend} roundTripMs={state.lastRoundTripMs} />
      </header>

      {state.phase === 'loading' && (
        <p role="status" className="status">
          {state.progress}…
        </p>
      )}
      {state.phase === 'fatal' && (
        <p role="alert" className="problem">
          The app could not start: {state.fatal}
        </p>
      )}
      {state.phase === 'ready' && state.fatal && (
        <p role="alert" className="problem">
          {state.fatal}
        </p>
      )}
      {ready && ready.problems.length > 0 && (
        <section role="alert" className="problem" data-testid="problems" aria-label="Artifact problems">
          <strong>Some files could not be used; the models that do not need them keep working.</strong>
          <ul>
            {ready.problems.map((p) => (
              <li key={p.file}>{p.message}</li>
            ))}
          </ul>
        </section>
      )}

      {ready && tab === 'recommend' && (
        <main className="recommend">
          <aside>
            <CatalogSearch titles={ready.titles} popularity={ready.popularity} onAdd={add} />
            <SessionPanel
              titles={ready.titles}
              session={session}
              actual={actual}
              canLoadTest={Boolean(ready.test)}
              onChange={(s) => {
                setSession(s);
                if (s.length === 0) setActual(null);
              }}
              onNew={() => {
                setSession([]);
                setActual(null);
              }}
              onRandomTest={loadRandomTestSession}
            />
            <EmbeddingsPanel
              catalogName={ready.catalogName}
              imported={ready.imported}
              datasetName={DATASET}
              embeddingsSource={ready.embeddingsSource}
              titles={ready.titles}
              progress={embedder.progress}
              info={embedder.info}
              embedCatalog={embedder.embedCatalog}
              embedTexts={embedder.embedTexts}
              parseCsv={embedder.parseCsv}
              cancel={embedder.cancel}
              nearest={nearest}
              useEmbeddings={(vectors, dim, source) => send({ type: 'useEmbeddings', vectors, dim, source }, [vectors.buffer])}
              useCatalog={(name, titles, vectors, dim, source) => send({ type: 'useCatalog', name, titles, vectors, dim, source }, [vectors.buffer])}
              restoreCatalog={() => send({ type: 'restoreCatalog' })}
              addItem={(title, vector) => send({ type: 'addItem', title, vector })}
              onAdd={add}
            />
          </aside>
          <Recommendations
            titles={ready.titles}
            models={state.models}
            results={state.results}
            session={session}
            actual={actual}
            onAdd={add}
          />
        </main>
      )}
      {ready && tab === 'evaluation' && <EvaluationView report={ready.report} />}
    </div>
  );
}
