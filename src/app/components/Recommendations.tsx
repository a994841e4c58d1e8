import type { Actual } from '../App.js';
import type { CandidatesReport, ModelRecommendations, ModelStatus } from '../engine/messages.js';
import { GeneratedNames } from './GeneratedNames.js';

export function Recommendations(props: {
  titles: string[];
  models: ModelStatus[];
  results: ModelRecommendations[] | null;
  session: number[];
  actual: Actual | null;
  onAdd: (item: number) => void;
  /** Why a generative model's last generation failed, by model. */
  generationErrors?: Readonly<Record<string, string | undefined>>;
  /** The OpenAI-compatible endpoint the generative model may ask instead (configured at build time), and its switch. */
  remote?: { endpoint: string; model: string; on: boolean; set: (on: boolean) => void };
  /** How the session's candidates were fetched from the configured vector index (VITE_CANDIDATES_ENDPOINT). */
  candidates?: CandidatesReport | null;
}) {
  const { titles, models, results, session, actual, onAdd, generationErrors = {}, remote, candidates } = props;
  const byModel = new Map((results ?? []).map((r) => [r.model, r]));
  return (
    <section className="models" aria-label="Recommendations">
      {candidates?.error && (
        <p className="warning" data-testid="candidates-error">
          The candidates from {candidates.source} could not be fetched ({candidates.error}): every model scored the whole catalog.
        </p>
      )}
      {models.map((m) => {
        const r = byModel.get(m.name);
        return (
          <article key={m.name} className="model" data-testid="model-column" data-model={m.name}>
            <h3>
              {m.label}
              {r && <span className="ms" data-testid="model-ms">{r.ms.toFixed(2)} ms</span>}
            </h3>
            {m.loading && <p className="muted" data-testid="model-loading">Loading…</p>}
            {!m.available && !m.loading && (
              <p className="unavailable" data-testid="model-unavailable">
                Not available: {m.reason}
              </p>
            )}
            {m.available && m.note && (
              <p className="muted" data-testid="model-note">
                Note: {m.note}
              </p>
            )}
            {m.available && session.length === 0 && m.name !== 'mostpopular' && <p className="muted">Add an item to get suggestions.</p>}
            {m.available && m.generative && (!remote?.on ? (
              <p className="muted" data-testid="generative-note">
                A small language model trained from scratch on this shop&apos;s sessions (not a pretrained LLM) writes product names on this device; each
                name becomes the catalog item with that name, else the nearest one by embedding.
              </p>
            ) : (
              <p className="warning" data-testid="remote-note">
                {remote.model} at {new URL(remote.endpoint).origin} writes the names: the product names of your session are sent there and leave this device.
              </p>
            ))}
            {m.available && m.generative && remote && (
              <label className="remote-switch">
                <input type="checkbox" checked={remote.on} onChange={(e) => remote.set(e.target.checked)} data-testid="remote-llm" /> Ask {remote.model} at{' '}
                {new URL(remote.endpoint).origin} instead (sends your session there)
              </label>
            )}
            {m.available && m.generative && session.length > 0 && !r && !generationErrors[m.name] && (
              <p className="muted" data-testid="generating">
                Writing names…
              </p>
            )}
            {m.generative && generationErrors[m.name] && (
              <p className="unavailable" data-testid="generation-error">
                Generation failed: {generationErrors[m.name]}
              </p>
            )}
            {m.available && r?.among && (
              <p className="muted" data-testid="candidates-note">
                Re-ranked {r.among.n} candidates that the vector index at {r.among.source} found for your session (its embedding was sent there).
              </p>
            )}
            {m.available && session.length > 0 && r?.generated && <GeneratedNames generated={r.generated} titles={titles} />}
            {m.available && r && (
              <ol>
                {r.items.map((item, j) => (
                  <li key={item} data-testid="rec-item" data-item={item} className={actual?.target === item ? 'hit' : undefined}>
                    <span className="title">{titles[item] || '(untitled product)'}</span>
                    {actual?.target === item && <span className="badge">bought next</span>}
                    <span className="meta">
                      score {r.scores[j].toFixed(3)}
                      {r.because[j] >= 0 && <> · because you added “{truncate(titles[r.because[j]])}”</>}
                    </span>
                    <button type="button" onClick={() => onAdd(item)} aria-label={`Add ${titles[item]} to the session`}>
                      +
                    </button>
                  </li>
                ))}
              </ol>
            )}
          </article>
        );
      })}
    </section>
  );
}

function truncate(s: string | undefined, n = 40): string {
  if (!s) return '(untitled product)';
  return s.length > n ? `${s.slice(0, n - 1)}…` : s;
}
