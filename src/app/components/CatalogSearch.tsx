import { useMemo, useState } from 'react';
import { buildSearchIndex, searchCatalog } from '../search.js';

export function CatalogSearch(props: { titles: string[]; popularity: Float64Array; onAdd: (item: number) => void }) {
  const { titles, popularity, onAdd } = props;
  const [query, setQuery] = useState('');
  // Built on the first query, not when the catalog arrives (it was ~5 ms of the render before the first recommendation).
  const index = useMemo(() => {
    let built: string[] | null = null;
    return () => (built ??= buildSearchIndex(titles));
  }, [titles]);
  const hits = useMemo(() => (query.trim() === '' ? [] : searchCatalog(index(), popularity, query)), [index, popularity, query]);
  return (
    <section aria-label="Search the catalog" className="search">
      <h2>Add items</h2>
      <input
        type="search"
        placeholder={`Search ${titles.length.toLocaleString()} products, e.g. mascara`}
        value={query}
        onChange={(e) => setQuery(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'Enter' && hits.length > 0) onAdd(hits[0]);
        }}
        data-testid="search-input"
        aria-label="Search products"
      />
      {query.trim() !== '' && hits.length === 0 && <p className="muted">No product matches “{query}”.</p>}
      <ul className="hits">
        {hits.map((i) => (
          <li key={i} data-testid="search-result">
            <span className="title">{titles[i] || '(untitled product)'}</span>
            <button type="button" onClick={() => onAdd(i)} aria-label={`Add ${titles[i]}`}>
              Add
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}
