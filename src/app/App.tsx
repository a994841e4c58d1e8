import { exposeTestCases, loadTestCase, recordTiming } from './test-hooks.js';
import { firstRecommendationShown } from './offline.js';
import { LIST_LENGTH } from './list-length.js';
import { useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
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
import { loadBackendChoice, loadSession, saveBackendChoice, saveSession, takeStorageNotes } from './storage.js';
import { REMOTE_LLM } from './remote-llm.js';
import { useEngine } from './useEngine.js';

const K = LIST_LENGTH;

/** A test session loaded from the dataset: what the shopper actually added next. */
export interface Actual {
  readonly sessionId: number;
  readonly target: number;
}

/** An imported catalog's identity: its own item ids (by dense index) and the hash of ids and titles. */
export interface CatalogIdentity {
  readonly name: string;
  readonly hash: string;
  readonly ids: readonly string[];
}

export function App({ dataset, datasets, onDataset }: { dataset: string; datasets: readonly DatasetChoice[]; onDataset: (name: string) => void }) {
  const BASE_URL = modelsBaseUrl(dataset);
  const DATASET = dataset;
  const [tab, setTab] = useState<'recommend' | 'evaluation'>('recommend');
  /** LLMSeqPrompt through the configured endpoint: off on every load until the shopper turns it on. */
  const [useRemote, setUseRemote] = useState(false);
  const [backendChoice, setBackendChoice] = useState<BackendChoice>(loadBackendChoice);
  const { state, recommend, switchBackend, loseDevice, send, nearest } = useEngine(BASE_URL, backendChoice, DATASET);
  const embedder = useEmbedder();
  const [session, setSession] = useState<number[]>([]);
  const [actual, setActual] = useState<Actual | null>(null);
  const sentAt = useRef(0);
  const sentLength = useRef(0);
  /** Whether the stored session has been restored once (see the catalog effect). */
  const restoredOnce = useRef(false);
  /** A stored session is being restored: the render before it holds the old session (not scored). */
  const restoring = useRef(false);
  const ready = state.ready;
  // Stored state that was dropped or repaired on load: shown, never silent.
  const [storageNotes, setStorageNotes] = useState<string[]>(takeStorageNotes);
  // An imported catalog's identity: pending from the import until the worker switches to it.
  const [pendingImport, setPendingImport] = useState<CatalogIdentity | null>(null);
  const [identity, setIdentity] = useState<CatalogIdentity | null>(null);
  useEffect(() => {
    if (ready?.imported && pendingImport && ready.titles.length === pendingImport.ids.length) {
      setIdentity(pendingImport);
      setPendingImport(null);
    }
  }, [ready, pendingImport]);

  // The session is stored by item id under the catalog's identity (dataset name, or the import's hash).
  const catalogKey = ready ? (ready.imported ? (identity && !pendingImport ? `import:${identity.hash}` : '') : ready.catalogName) : '';
  const idOf = useMemo((): ((i: number) => string | number | undefined) => {
    if (!ready) return () => undefined;
    if (ready.imported) return (i) => identity?.ids[i];
    return (i) => (i < ready.ids.length ? ready.ids[i] : undefined);
  }, [ready, identity]);
  // Layout effects, this one and the scoring one below: the stored session is restored and asked
  // for (its answer shown at once if the worker's is already here) before the browser paints.
  // As effects after paint, the first recommendation took three renders and three paints of the
  // page (10-25 ms each on a repeat visit): without the session, with it, with its answer.
  useLayoutEffect(() => {
    if (!ready) return;
    const indexOf = new Map<string | number, number>();
    if (ready.imported) identity?.ids.forEach((id, i) => indexOf.set(id, i));
    else ready.ids.forEach((id, i) => indexOf.set(id, i));
    const stored = catalogKey ? loadSession(catalogKey, indexOf) : [];
    // On the first load, items the shopper added before the stored session was restored are
    // kept (after it); a catalog switch replaces the session (its indices mean other items).
    const first = restoredOnce.current === false;
    restoredOnce.current = true;
    // The scoring effect below runs in this same commit with the session before the restore:
    // it waits for the restored one (one request, not an empty one and then the stored one).
    restoring.current = stored.length > 0;
    setSession((s) => (first ? [...stored, ...s.filter((i) => !stored.includes(i))] : stored));
    setActual(null);
    const dropped = takeStorageNotes();
    if (dropped.length > 0) setStorageNotes((n) => [...n, ...dropped]);
    // Only when the catalog itself changes (not when an item is appended to it).
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [catalogKey]);

  // Score on every change; persist the session.
  useLayoutEffect(() => {
    if (!ready) return;
    if (restoring.current) {
      restoring.current = false;
      return;
    }
    if (catalogKey) saveSession(catalogKey, session.map(idOf).filter((id): id is string | number => id !== undefined));
    sentAt.current = performance.now();
    sentLength.current = session.length;
    recommend(session, K, useRemote && REMOTE_LLM ? REMOTE_LLM : undefined);
  }, [session, ready, recommend, catalogKey, idOf, state.backend, state.models, useRemote]);

  useEffect(() => {
    if (!state.results) return;
    const perModel: Record<string, number> = {};
    for (const r of state.results) if (!r.generated) perModel[r.model] = r.ms;
    recordTiming(performance.now() - sentAt.current, perModel, state.backend?.name ?? '', sentLength.current);
    firstRecommendationShown();
    // Keyed on the 'results' messages only: a generative model's later answer is not a new timing.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [state.resultsSeq]);

  useEffect(() => {
    const t = ready?.test;
    if (!t) return;
    exposeTestCases({
      testCases: t.targets.length,
      loadTestCase: (c: number) => {
        setSession(Array.from(t.promptItems.subarray(t.promptOffsets[c], t.promptOffsets[c + 1])));
        setActual({ sessionId: t.sessionIds[c], target: t.targets[c] });
      },
      loseDevice,
    });
  }, [ready, loseDevice]);

  const add = (item: number) => setSession((s) => (s.includes(item) ? s : [...s, item]));

  const chooseBackend = (choice: BackendChoice) => {
    setBackendChoice(choice);
    saveBackendChoice(choice);
    switchBackend(choice);
  };

  const loadRandomTestSession = () => {
    const n = ready?.test?.targets.length ?? 0;
    if (n > 0) loadTestCase(Math.floor(Math.random() * n));
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
      {storageNotes.length > 0 && (
        <section role="status" className="info" data-testid="storage-notes" aria-label="Saved state">
          <ul>
            {storageNotes.map((n) => (
              <li key={n}>{n}</li>
            ))}
          </ul>
          <button type="button" onClick={() => setStorageNotes([])}>
            Dismiss
          </button>
        </section>
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
              useCatalog={(name, titles, vectors, dim, source, id) => {
                setPendingImport({ name, hash: id.hash, ids: id.ids });
                send({ type: 'useCatalog', name, titles, vectors, dim, source }, [vectors.buffer]);
              }}
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
            generationErrors={state.generationErrors}
            remote={REMOTE_LLM ? { ...REMOTE_LLM, on: useRemote, set: setUseRemote } : undefined}
            candidates={state.candidates}
          />
        </main>
      )}
      {ready && tab === 'evaluation' && <EvaluationView report={ready.report} />}
    </div>
  );
}
