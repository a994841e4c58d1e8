import { RecommenderProvider, useRecommendations, useRecommender, type ItemId } from 'llmseqrec/react';
import { useEffect, useMemo, useState } from 'react';
import { ProductCard, Thumb } from './ProductCard.js';
import { hrefOf, useRoute } from './route.js';
import { useShopState } from './store.js';
import { Strip } from './Strip.js';

/**
 * A small storefront built only on the library's public API (`llmseqrec`, `llmseqrec/react`):
 * product grid with search, product page, cart. What the visitor views and adds is the session
 * the suggestions are computed from, on this device.
 */
export interface ShopDataset {
  readonly name: string;
  readonly label: string;
  /** Where its artifacts are served (the folder holding manifest.json). */
  readonly baseUrl: string;
}

export function Shop(props: { datasets: readonly ShopDataset[]; dataset: string; onDataset: (name: string) => void; researchHref: string }) {
  const current = props.datasets.find((d) => d.name === props.dataset) ?? props.datasets[0];
  return (
    <RecommenderProvider baseUrl={current.baseUrl}>
      <ShopPages {...props} dataset={current.name} />
    </RecommenderProvider>
  );
}

function ShopPages(props: { datasets: readonly ShopDataset[]; dataset: string; onDataset: (name: string) => void; researchHref: string }) {
  const route = useRoute();
  const shop = useShopState(props.dataset);
  const { recommender, error } = useRecommender();
  return (
    <div className="shop">
      <header className="shop-header">
        <a href={hrefOf({ page: 'grid' })} className="brand">
          On-device Shop
        </a>
        <label>
          Store{' '}
          <select data-testid="dataset-picker" value={props.dataset} onChange={(e) => props.onDataset(e.target.value)}>
            {props.datasets.map((d) => (
              <option key={d.name} value={d.name}>
                {d.label}
              </option>
            ))}
          </select>
        </label>
        <a href={hrefOf({ page: 'cart' })} data-testid="cart-link">
          Cart ({shop.cart.length})
        </a>
        <a href={props.researchHref} className="muted">
          Research view
        </a>
      </header>
      {error && (
        <p role="alert" className="problem">
          The shop could not load its catalog: {error.message}
        </p>
      )}
      {!recommender && !error && (
        <p role="status" className="status">
          Loading the catalog…
        </p>
      )}
      {recommender && route.page === 'grid' && <Grid onAdd={shop.addToCart} session={shop.session} />}
      {recommender && route.page === 'item' && <ProductPage id={route.id} shop={shop} />}
      {recommender && route.page === 'cart' && <CartPage shop={shop} />}
    </div>
  );
}

type ShopState = ReturnType<typeof useShopState>;

/** Case-insensitive search: every word of the query must occur in the title. */
function useSearch(query: string, limit: number): { id: ItemId; title: string }[] {
  const { recommender } = useRecommender();
  const index = useMemo(() => (recommender ? recommender.catalog().map((c) => ({ ...c, lower: c.title.toLowerCase() })) : []), [recommender]);
  return useMemo(() => {
    const words = query.toLowerCase().split(/\s+/).filter(Boolean);
    if (words.length === 0) return [];
    const out: { id: ItemId; title: string }[] = [];
    for (const c of index) {
      if (words.every((w) => c.lower.includes(w))) out.push({ id: c.id, title: c.title });
      if (out.length >= limit) break;
    }
    return out;
  }, [index, query, limit]);
}

function Grid({ onAdd, session }: { onAdd: (id: ItemId) => void; session: readonly ItemId[] }) {
  const [query, setQuery] = useState('');
  const hits = useSearch(query, 24);
  // Without a query: the best sellers (the MostPopular model on an empty session).
  const popular = useRecommendations([], { model: 'mostpopular', k: 24, explain: false });
  const items = query.trim() ? hits : (popular.data?.items ?? []);
  return (
    <main>
      <input
        type="search"
        data-testid="shop-search"
        placeholder="Search products"
        aria-label="Search products"
        value={query}
        onChange={(e) => setQuery(e.target.value)}
      />
      {session.length > 0 && <Strip title="Picked for you" session={session} onAdd={onAdd} testId="home-strip" />}
      <h2>{query.trim() ? `${hits.length}${hits.length === 24 ? '+' : ''} results for “${query.trim()}”` : 'Best sellers'}</h2>
      <div className="cards grid">
        {items.map((it) => (
          <ProductCard key={it.id} id={it.id} title={it.title} onAdd={onAdd} testId="product" />
        ))}
      </div>
    </main>
  );
}

function ProductPage({ id, shop }: { id: ItemId; shop: ShopState }) {
  const { recommender } = useRecommender();
  const title = recommender?.title(id);
  const { touch } = shop;
  useEffect(() => {
    if (title !== undefined) touch(id); // viewing a product is part of the session
  }, [id, title, touch]);
  if (title === undefined) return <p className="problem">No product with id {id} in this store.</p>;
  const inCart = shop.cart.includes(id);
  return (
    <main>
      <article className="product" data-testid="product-page" data-item={id}>
        <Thumb id={id} title={title} large />
        <div>
          <h1 data-testid="product-title">{title}</h1>
          <p className="muted">Item {id}</p>
          <button type="button" data-testid="add-to-cart" disabled={inCart} onClick={() => shop.addToCart(id)}>
            {inCart ? 'In your cart' : 'Add to cart'}
          </button>
        </div>
      </article>
      <Strip title="You may also like" session={shop.session} onAdd={shop.addToCart} testId="also-like" />
    </main>
  );
}

function CartPage({ shop }: { shop: ShopState }) {
  const { recommender } = useRecommender();
  return (
    <main>
      <h1>Your cart</h1>
      {shop.cart.length === 0 ? (
        <p className="muted">Your cart is empty.</p>
      ) : (
        <ul className="cart" data-testid="cart">
          {shop.cart.map((id) => (
            <li key={id} data-testid="cart-item" data-item={id}>
              <Thumb id={id} title={recommender?.title(id) ?? ''} />
              <a href={hrefOf({ page: 'item', id })}>{recommender?.title(id) ?? `Item ${id}`}</a>
              <button type="button" onClick={() => shop.removeFromCart(id)}>
                Remove
              </button>
            </li>
          ))}
        </ul>
      )}
      <p>
        <button type="button" onClick={shop.clear}>
          Start over (clear the cart and the session)
        </button>
      </p>
      {shop.session.length > 0 && <Strip title="Complete your order" session={shop.session} onAdd={shop.addToCart} testId="cart-strip" />}
    </main>
  );
}
