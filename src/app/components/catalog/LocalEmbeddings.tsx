import type { EmbedDeviceChoice, EmbedderInfo, FromEmbedder } from '../../embed/messages.js';
import type { EmbedProgress } from '../../embed/useEmbedder.js';
import { describeLocalVectors, type PanelContext } from './shared.js';

function eta(p: EmbedProgress): string {
  if (p.done === 0 || p.elapsedMs === 0) return '';
  const rate = p.done / (p.elapsedMs / 1000);
  const left = (p.total - p.done) / rate;
  return `${Math.round(rate).toLocaleString()} titles/s, about ${left < 1 ? '<1' : Math.round(left)} s left`;
}

/** Computes the catalog's item vectors in the browser (transformers.js), with device choice, progress, ETA and Cancel. */
export function LocalEmbeddings(p: {
  readonly ctx: PanelContext;
  readonly titles: string[];
  readonly progress: EmbedProgress | null;
  readonly info: EmbedderInfo | null;
  readonly setDevice: (d: EmbedDeviceChoice) => void;
  readonly embedCatalog: (titles: string[], device: EmbedDeviceChoice, label: string) => Promise<FromEmbedder>;
  readonly cancel: () => void;
  readonly useEmbeddings: (vectors: Float32Array, dim: number, source: string) => void;
}) {
  const { ctx } = p;
  const computeLocally = () =>
    ctx.run(async () => {
      ctx.say(null);
      const r = await p.embedCatalog(p.titles, ctx.device, `Embedding ${p.titles.length.toLocaleString()} titles`);
      if (r.type === 'cancelled') return ctx.say({ kind: 'info', text: 'Cancelled: the app keeps using the previous vectors.' });
      if (r.type !== 'catalogDone') return;
      p.useEmbeddings(r.vectors, r.dim, describeLocalVectors(r));
    });
  return (
    <>
      <div className="row">
        <button type="button" onClick={computeLocally} disabled={ctx.busy} data-testid="compute-locally">
          Compute embeddings locally
        </button>
        <label>
          on{' '}
          <select value={ctx.device} onChange={(e) => p.setDevice(e.target.value as EmbedDeviceChoice)} data-testid="embed-device">
            <option value="auto">automatic</option>
            <option value="webgpu">WebGPU</option>
            <option value="wasm">WASM</option>
          </select>
        </label>
      </div>
      {p.info && (
        <p className="muted" data-testid="embed-device-used">
          Embedding model runs on {p.info.device.toUpperCase()}
          {p.info.notes.length > 0 && ` (${p.info.notes.join('; ')})`}
        </p>
      )}
      {p.progress && (
        <div className="progress" data-testid="embed-progress">
          <span>
            {p.progress.label}: {p.progress.done.toLocaleString()} / {p.progress.total.toLocaleString()} {eta(p.progress)}
          </span>
          <progress max={p.progress.total} value={p.progress.done} />
          <button type="button" onClick={p.cancel} data-testid="embed-cancel">
            Cancel
          </button>
        </div>
      )}
    </>
  );
}
