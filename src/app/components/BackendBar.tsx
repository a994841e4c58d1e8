import { BACKENDS, type BackendChoice, type BackendInfo } from '../engine/messages.js';

const LABEL: Record<string, string> = { webgpu: 'WebGPU', webgl: 'WebGL', wasm: 'WASM', cpu: 'CPU', auto: 'automatic' };

export function BackendBar(props: {
  backend: BackendInfo | null;
  choice: BackendChoice;
  roundTripMs: number | null;
  onChoose: (c: BackendChoice) => void;
}) {
  const { backend, choice, roundTripMs, onChoose } = props;
  return (
    <div className="backend" aria-label="Compute backend">
      <span>
        Compute: <strong data-testid="backend-name">{!backend ? '…' : backend.starting ? 'starting…' : LABEL[backend.name]}</strong>
        {backend?.adapter && <span data-testid="backend-adapter"> on {backend.adapter}</span>}
      </span>
      <label>
        {' '}
        Backend{' '}
        <select value={choice} onChange={(e) => onChoose(e.target.value as BackendChoice)} data-testid="backend-select">
          {(['auto', ...BACKENDS] as BackendChoice[]).map((b) => (
            <option key={b} value={b}>
              {LABEL[b]}
            </option>
          ))}
        </select>
      </label>
      {roundTripMs !== null && <span className="timing"> last update {roundTripMs.toFixed(1)} ms</span>}
      {/* Always there, one line tall at least: a note arriving when the backend has started (after the
          first recommendations) must not push the page down under the shopper's pointer. */}
      <ul className="notes" data-testid="backend-notes">
        {(backend?.notes ?? []).map((n) => (
          <li key={n}>{n}</li>
        ))}
      </ul>
    </div>
  );
}
