import type { Actual } from '../App.js';

export function SessionPanel(props: {
  titles: string[];
  session: number[];
  actual: Actual | null;
  canLoadTest: boolean;
  onChange: (s: number[]) => void;
  onNew: () => void;
  onRandomTest: () => void;
}) {
  const { titles, session, actual, canLoadTest, onChange, onNew, onRandomTest } = props;
  const move = (i: number, by: number) => {
    const s = [...session];
    const j = i + by;
    if (j < 0 || j >= s.length) return;
    [s[i], s[j]] = [s[j], s[i]];
    onChange(s);
  };
  return (
    <section aria-label="Current session" className="session">
      <h2>Your session ({session.length})</h2>
      <div className="row">
        <button type="button" onClick={onNew} disabled={session.length === 0}>
          New session
        </button>
        <button type="button" onClick={onRandomTest} disabled={!canLoadTest} data-testid="random-test">
          Load a real test session
        </button>
      </div>
      {actual && (
        <p className="actual" data-testid="actual">
          Test session {actual.sessionId}: the shopper actually added next <strong>{titles[actual.target] || '(untitled product)'}</strong>
        </p>
      )}
      {session.length === 0 && <p className="muted">Empty. Search for a product and add it.</p>}
      <ol>
        {session.map((item, i) => (
          <li key={`${item}-${i}`} data-testid="session-item">
            <span className="title">{titles[item] || '(untitled product)'}</span>
            <span className="actions">
              <button type="button" onClick={() => move(i, -1)} disabled={i === 0} aria-label="Move up">
                ↑
              </button>
              <button type="button" onClick={() => move(i, 1)} disabled={i === session.length - 1} aria-label="Move down">
                ↓
              </button>
              <button type="button" onClick={() => onChange(session.filter((_, j) => j !== i))} aria-label={`Remove ${titles[item]}`}>
                ✕
              </button>
            </span>
          </li>
        ))}
      </ol>
    </section>
  );
}
