import { useEffect, useState } from 'react';
import { parseManifest, parseJsonFile, verifyFile, type Manifest } from '../core/artifacts/manifest.js';
import { EvalReport } from '../core/artifacts/report.js';

const DATASET = 'beauty';
const BASE = `${import.meta.env.BASE_URL}models/${DATASET}/`;
const COLUMNS = ['NDCG', 'HitRate', 'MRR', 'CatalogCoverage', 'Serendipity', 'Novelty'] as const;

type State =
  | { kind: 'loading' }
  | { kind: 'error'; message: string }
  | { kind: 'ready'; manifest: Manifest; report: EvalReport | null };

async function fetchBytes(file: string): Promise<Uint8Array> {
  const res = await fetch(`${BASE}${file}`);
  if (!res.ok) throw new Error(`${file}: HTTP ${res.status}`);
  return new Uint8Array(await res.arrayBuffer());
}

async function load(): Promise<State> {
  const manifest = parseManifest(new TextDecoder().decode(await fetchBytes('manifest.json')), 'manifest.json');
  if (!manifest.evaluation) return { kind: 'ready', manifest, report: null };
  const bytes = await fetchBytes(manifest.evaluation.file);
  await verifyFile(bytes, manifest.evaluation);
  const report = parseJsonFile(new TextDecoder().decode(bytes), manifest.evaluation.file, EvalReport);
  return { kind: 'ready', manifest, report };
}

/**
 * Placeholder page (the full app is issue #5): it loads and validates the Beauty artifacts
 * the CLI wrote and shows the offline evaluation table.
 */
export function App() {
  const [state, setState] = useState<State>({ kind: 'loading' });
  useEffect(() => {
    load().then(setState, (e: unknown) => setState({ kind: 'error', message: (e as Error).message }));
  }, []);

  return (
    <main style={{ fontFamily: 'system-ui, sans-serif', margin: '2rem auto', maxWidth: 1100, padding: '0 1rem' }}>
      <h1>LLMSeqRec</h1>
      <p>Next-item recommendations from LLM item embeddings (Harte et al., RecSys'23), computed on your device.</p>
      {state.kind === 'loading' && <p role="status">Loading artifacts…</p>}
      {state.kind === 'error' && <p role="alert">Could not load the artifacts: {state.message}</p>}
      {state.kind === 'ready' && (
        <>
          <p>
            Catalog: {state.manifest.catalog.count.toLocaleString()} items. Embeddings:{' '}
            {state.manifest.embeddings.map((e) => `${e.name} (${e.dim}-d ${e.dtype})`).join(', ') || 'none'}.
          </p>
          {state.report ? (
            <section aria-label="Evaluation">
              <h2>Offline evaluation on the {state.report.dataset} test split ({state.report.split.testCases} sessions)</h2>
              <table style={{ borderCollapse: 'collapse', fontVariantNumeric: 'tabular-nums' }}>
                <thead>
                  <tr>
                    <th style={{ textAlign: 'left' }}>model</th>
                    {[10, 20].flatMap((k) => COLUMNS.map((c) => <th key={`${c}@${k}`} style={{ padding: '0 .5rem' }}>{`${c}@${k}`}</th>))}
                  </tr>
                </thead>
                <tbody>
                  {state.report.results.map((r) => (
                    <tr key={r.model}>
                      <td title={JSON.stringify(r.config)}>{r.model}</td>
                      {[10, 20].flatMap((k) =>
                        COLUMNS.map((c) => (
                          <td key={`${c}@${k}`} style={{ textAlign: 'right', padding: '0 .5rem' }}>
                            {(r.metrics[`${c}@${k}`] ?? NaN).toFixed(c === 'Novelty' ? 2 : 4)}
                          </td>
                        )),
                      )}
                    </tr>
                  ))}
                </tbody>
              </table>
            </section>
          ) : (
            <p>No evaluation report yet: run <code>npm run cli -- report --dataset {DATASET}</code>.</p>
          )}
        </>
      )}
    </main>
  );
}
