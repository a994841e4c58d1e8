import { useState } from 'react';
import type { EmbedDeviceChoice, EmbedderInfo, FromEmbedder } from '../embed/messages.js';
import type { EmbedProgress } from '../embed/useEmbedder.js';
import { AddItem } from './catalog/AddItem.js';
import { CatalogImport } from './catalog/CatalogImport.js';
import { DescribeQuery } from './catalog/DescribeQuery.js';
import { LocalEmbeddings } from './catalog/LocalEmbeddings.js';
import type { PanelContext, PanelMessage } from './catalog/shared.js';

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

/**
 * The "Catalog and embeddings" panel: four parts (local embeddings, free-text queries, catalog
 * import, cold-start items) sharing the embedding device, the one-job-at-a-time state and the
 * message line.
 */
export function EmbeddingsPanel(p: EmbeddingsPanelProps) {
  const [device, setDevice] = useState<EmbedDeviceChoice>('auto');
  const [message, setMessage] = useState<PanelMessage | null>(null);
  const ctx: PanelContext = {
    device,
    busy: p.progress !== null,
    say: setMessage,
    run: async (what) => {
      try {
        await what();
      } catch (e) {
        setMessage({ kind: 'problem', text: (e as Error).message });
      }
    },
  };
  return (
    <section aria-label="Embeddings and catalog" className="embeddings" data-testid="embeddings-panel">
      <h2>Catalog and embeddings</h2>
      <p className="muted">
        Catalog: <strong data-testid="catalog-name">{p.catalogName}</strong> ({p.titles.length.toLocaleString()} items). Item vectors:{' '}
        <span data-testid="embeddings-source">{p.embeddingsSource}</span>
      </p>
      <LocalEmbeddings ctx={ctx} titles={p.titles} progress={p.progress} info={p.info} setDevice={setDevice} embedCatalog={p.embedCatalog} cancel={p.cancel} useEmbeddings={p.useEmbeddings} />
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
      <DescribeQuery ctx={ctx} titles={p.titles} embedTexts={p.embedTexts} nearest={p.nearest} onAdd={p.onAdd} />
      <CatalogImport
        ctx={ctx}
        imported={p.imported}
        datasetName={p.datasetName}
        parseCsv={p.parseCsv}
        embedCatalog={p.embedCatalog}
        useCatalog={p.useCatalog}
        restoreCatalog={p.restoreCatalog}
      />
      <AddItem ctx={ctx} embedTexts={p.embedTexts} addItem={p.addItem} />
    </section>
  );
}
