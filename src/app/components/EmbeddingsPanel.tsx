import { useState } from 'react';
import type { EmbedDeviceChoice, FromEmbedder } from '../embed/messages.js';
import type { EmbedProgress } from '../embed/useEmbedder.js';
import type { EmbedderInfo } from '../embed/messages.js';

export interface EmbeddingsPanelProps {
  readonly catalogName: string;
  readonly imported: boolean;
  readonly datasetName: string;
  readonly embeddingsSource: string;
  readonly titles: string[];
  readonly progress: EmbedProgress | null;
  readonly info: EmbedderInfo | null;
  readonly embedCatalog: (titles: string[], device: EmbedDeviceChoice, label: string) => Promise<FromEmbedder>;
  readonly embedTexts: (texts: string[], device: EmbedDeviceChoice) => Promise<Float32Array[]>;
  readonly parseCsv: (file: File) => Promise<FromEmbedder>;
  readonly cancel: () => void;
  readonly nearest: (vector: Float32Array, k: number) => Promise<{ items: number[]; scores: number[] }>;
  readonly useEmbeddings: (vectors: Float32Array, dim: number, source: string) => void;
  /** `identity`: the CSV's own item ids and the hash of ids and titles (the session is stored under it). */
  readonly useCatalog: (name: string, titles: string[], vectors: Float32Array, dim: number, source: string, identity: { ids: string[]; hash: string }) => void;
  readonly restoreCatalog: () => void;
  readonly addItem: (title: string, vector: Float32Array) => void;
  readonly onAdd: (item: number) => void;
}

function eta(p: EmbedProgress): string {
  if (p.done === 0 || p.elapsedMs === 0) return '';
  const rate = p.done / (p.elapsedMs / 1000);
  const left = (p.total - p.done) / rate;
  return `${Math.round(rate).toLocaleString()} titles/s, about ${left < 1 ? '<1' : Math.round(left)} s left`;
}

declare global {
  interface Window {
    /** Test/bench hooks: the last local catalog embedding (vectors kept only if __llmseqrecKeepVectors). */
    __llmseqrecEmbed?: { ms: number; loadMs: number; device: string; fromCache: boolean; count: number; dim: number; vectors?: Float32Array };
    __llmseqrecKeepVectors?: boolean;
  }
}

function record(r: Extract<FromEmbedder, { type: 'catalogDone' }>): void {
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

function describe(r: Extract<FromEmbedder, { type: 'catalogDone' }>): string {
  record(r);
  return `computed in this browser: ${r.info.model} on ${r.info.device.toUpperCase()}${r.fromCache ? ' (from the IndexedDB cache)' : ` in ${(r.ms / 1000).toFixed(1)} s`}`;
}

/** Local embeddings (transformers.js), free-text queries, catalog import and cold-start items. */
export function EmbeddingsPanel(p: EmbeddingsPanelProps) {
  const [device, setDevice] = useState<EmbedDeviceChoice>('auto');
  const [query, setQuery] = useState('');
  const [found, setFound] = useState<{ items: number[]; scores: number[] } | null>(null);
  const [newTitle, setNewTitle] = useState('');
  const [message, setMessage] = useState<{ kind: 'info' | 'problem'; text: string; lines?: string[] } | null>(null);
  const busy = p.progress !== null;

  const run = async (what: () => Promise<void>) => {
    try {
      await what();
    } catch (e) {
      setMessage({ kind: 'problem', text: (e as Error).message });
    }
  };

  const computeLocally = () =>
    run(async () => {
      setMessage(null);
      const r = await p.embedCatalog(p.titles, device, `Embedding ${p.titles.length.toLocaleString()} titles`);
      if (r.type === 'cancelled') return setMessage({ kind: 'info', text: 'Cancelled: the app keeps using the previous vectors.' });
      if (r.type !== 'catalogDone') return;
      p.useEmbeddings(r.vectors, r.dim, describe(r));
    });

  const importCsv = (file: File) =>
    run(async () => {
      setMessage(null);
      const parsed = await p.parseCsv(file);
      if (parsed.type !== 'csv') return;
      const lines = parsed.skipped.slice(0, 20).map((s) => `line ${s.line}: ${s.reason}`);
      const skippedNote = parsed.skipped.length
        ? `${parsed.skipped.length} incomplete row${parsed.skipped.length > 1 ? 's' : ''} skipped${parsed.skipped.length > 20 ? ' (first 20 listed)' : ''}.`
        : '';
      const cutNote = parsed.truncated
        ? `${parsed.truncated.count.toLocaleString()} title${parsed.truncated.count > 1 ? 's' : ''} longer than ${parsed.truncated.maxChars.toLocaleString()} characters ${parsed.truncated.count > 1 ? 'were' : 'was'} cut to that length (first on line ${parsed.truncated.firstLine}).`
        : '';
      setMessage({
        kind: parsed.skipped.length || parsed.truncated ? 'problem' : 'info',
        text: [`${parsed.name}: ${parsed.titles.length.toLocaleString()} items read.`, skippedNote, cutNote].filter(Boolean).join(' '),
        lines,
      });
      const r = await p.embedCatalog(parsed.titles, device, `Embedding ${parsed.titles.length.toLocaleString()} imported titles`);
      if (r.type === 'cancelled') return setMessage({ kind: 'info', text: `Import of ${parsed.name} cancelled.` });
      if (r.type !== 'catalogDone') return;
      p.useCatalog(parsed.name, parsed.titles, r.vectors, r.dim, describe(r), { ids: parsed.ids, hash: parsed.hash });
    });

  const ask = () =>
    run(async () => {
      if (!query.trim()) return;
      const [v] = await p.embedTexts([query], device);
      setFound(await p.nearest(v, 10));
    });

  const addNew = () =>
    run(async () => {
      const title = newTitle.trim();
      if (!title) return;
      const [v] = await p.embedTexts([title], device);
      p.addItem(title, v);
      setNewTitle('');
      setMessage({ kind: 'info', text: `Added “${title}” to the catalog: LLMSeqSim can recommend it right away.` });
    });

  return (
    <section aria-label="Embeddings and catalog" className="embeddings" data-testid="embeddings-panel">
      <h2>Catalog and embeddings</h2>
      <p className="muted">
        Catalog: <strong data-testid="catalog-name">{p.catalogName}</strong> ({p.titles.length.toLocaleString()} items). Item vectors:{' '}
        <span data-testid="embeddings-source">{p.embeddingsSource}</span>
      </p>
      <div className="row">
        <button type="button" onClick={computeLocally} disabled={busy} data-testid="compute-locally">
          Compute embeddings locally
        </button>
        <label>
          on{' '}
          <select value={device} onChange={(e) => setDevice(e.target.value as EmbedDeviceChoice)} data-testid="embed-device">
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
      {message && (
        <div className={message.kind === 'problem' ? 'problem' : 'info'} data-testid="embed-message" role={message.kind === 'problem' ? 'alert' : 'status'}>
          {message.text}
          {message.lines && message.lines.length > 0 && (
            <ul>
              {message.lines.map((l) => (
                <li key={l}>{l}</li>
              ))}
            </ul>
          )}
        </div>
      )}

      <h3>Describe what you want</h3>
      <form
        className="row"
        onSubmit={(e) => {
          e.preventDefault();
          void ask();
        }}
      >
        <input type="search" value={query} onChange={(e) => setQuery(e.target.value)} placeholder="e.g. vegan lip balm" aria-label="Describe a product" data-testid="query-input" />
        <button type="submit" disabled={busy}>
          Find
        </button>
      </form>
      {found && (
        <ol className="hits" data-testid="query-results">
          {found.items.map((i, j) => (
            <li key={i} data-testid="query-result">
              <span className="title">{p.titles[i] || '(untitled product)'}</span>
              <span className="meta">{found.scores[j].toFixed(3)}</span>
              <button type="button" onClick={() => p.onAdd(i)} aria-label={`Add ${p.titles[i]}`}>
                Add
              </button>
            </li>
          ))}
        </ol>
      )}

      <h3>Bring your own catalog</h3>
      <input
        type="file"
        accept=".csv,text/csv"
        disabled={busy}
        aria-label="Import a catalog CSV (id, title)"
        data-testid="csv-input"
        onChange={(e) => {
          const f = e.target.files?.[0];
          if (f) void importCsv(f);
          e.target.value = '';
        }}
      />
      {p.imported && (
        <button type="button" onClick={p.restoreCatalog} data-testid="restore-catalog">
          Back to {p.datasetName}
        </button>
      )}

      <h3>Add a new item</h3>
      <form
        className="row"
        onSubmit={(e) => {
          e.preventDefault();
          void addNew();
        }}
      >
        <input value={newTitle} onChange={(e) => setNewTitle(e.target.value)} placeholder="Title of a new product" aria-label="New product title" data-testid="new-item-input" />
        <button type="submit" disabled={busy}>
          Add item
        </button>
      </form>
    </section>
  );
}
