import { useState } from 'react';
import type { EmbedDeviceChoice } from '../../embed/messages.js';
import type { PanelContext } from './shared.js';

/** "Describe what you want": a free-text query embedded in the browser, its nearest catalog items ready to add. */
export function DescribeQuery(p: {
  readonly ctx: PanelContext;
  readonly titles: string[];
  readonly embedTexts: (texts: string[], device: EmbedDeviceChoice) => Promise<Float32Array[]>;
  readonly nearest: (vector: Float32Array, k: number) => Promise<{ items: number[]; scores: number[] }>;
  readonly onAdd: (item: number) => void;
}) {
  const { ctx } = p;
  const [query, setQuery] = useState('');
  const [found, setFound] = useState<{ items: number[]; scores: number[] } | null>(null);
  const ask = () =>
    ctx.run(async () => {
      if (!query.trim()) return;
      const [v] = await p.embedTexts([query], ctx.device);
      setFound(await p.nearest(v, 10));
    });
  return (
    <>
      <h3>Describe what you want</h3>
      <form
        className="row"
        onSubmit={(e) => {
          e.preventDefault();
          void ask();
        }}
      >
        <input type="search" value={query} onChange={(e) => setQuery(e.target.value)} placeholder="e.g. vegan lip balm" aria-label="Describe a product" data-testid="query-input" />
        <button type="submit" disabled={ctx.busy}>
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
    </>
  );
}
