import { createContext, type ReactNode, useContext, useEffect, useMemo, useState } from 'react';
import { RecommenderError } from './errors.js';
import { createRecommender } from './recommender.js';
import type { ItemId, Recommendations, Recommender, RecommenderOptions } from './types.js';

/**
 * React bindings: one recommender per provider (its worker starts when the provider mounts
 * and stops when it unmounts, or when `baseUrl` changes), and a hook shaped like TanStack
 * Query's: `{ data, status, error, latencyMs }`.
 */

interface ProviderState {
  readonly recommender: Recommender | null;
  readonly error: Error | null;
  /** Bumped when the models' availability changes. */
  readonly version: number;
}

const Context = createContext<ProviderState | null>(null);

export function RecommenderProvider(props: RecommenderOptions & { readonly children?: ReactNode }) {
  const { baseUrl, backend, localEmbeddings, children } = props;
  const modelsKey = props.models?.join(',') ?? '';
  const [state, setState] = useState<ProviderState>({ recommender: null, error: null, version: 0 });
  useEffect(() => {
    let live = true;
    let rec: Recommender | null = null;
    let off = () => {};
    setState({ recommender: null, error: null, version: 0 });
    createRecommender({ baseUrl, backend, localEmbeddings, ...(modelsKey ? { models: modelsKey.split(',') } : {}) }).then(
      (r) => {
        rec = r;
        if (!live) return r.dispose();
        off = r.onChange(() => setState((s) => ({ ...s, version: s.version + 1 })));
        setState({ recommender: r, error: null, version: 0 });
      },
      (e: unknown) => live && setState({ recommender: null, error: e instanceof Error ? e : new Error(String(e)), version: 0 }),
    );
    return () => {
      live = false;
      off();
      rec?.dispose();
    };
  }, [baseUrl, backend, localEmbeddings, modelsKey]);
  return <Context.Provider value={state}>{children}</Context.Provider>;
}

function useProvider(): ProviderState {
  const s = useContext(Context);
  if (!s) throw new RecommenderError('worker', 'useRecommender/useRecommendations must be used inside <RecommenderProvider>');
  return s;
}

/** The provider's recommender (null while it loads), its loading error, and a change counter. */
export function useRecommender(): { recommender: Recommender | null; error: Error | null; version: number } {
  return useProvider();
}

export type QueryStatus = 'pending' | 'success' | 'error';

export interface RecommendationsQuery {
  readonly data: Recommendations | undefined;
  readonly status: QueryStatus;
  readonly error: Error | null;
  readonly latencyMs: number | undefined;
}

/**
 * Recommendations for a session, recomputed when the ids, the model or k change. While a new
 * answer is computed, the previous one stays in `data` (status stays 'success').
 */
export function useRecommendations(itemIds: readonly ItemId[], options: { model?: string; k?: number; explain?: boolean } = {}): RecommendationsQuery {
  const { recommender, error: loadError } = useProvider();
  const key = itemIds.join(',');
  const ids = useMemo(() => (key === '' ? [] : key.split(',').map(Number)), [key]);
  const [result, setResult] = useState<{ data?: Recommendations; error: Error | null; status: QueryStatus }>({ status: 'pending', error: null });
  useEffect(() => {
    if (!recommender) return;
    let live = true;
    recommender.recommend(ids, options).then(
      (data) => live && setResult({ data, error: null, status: 'success' }),
      (e: unknown) => live && setResult((r) => ({ ...r, error: e instanceof Error ? e : new Error(String(e)), status: 'error' })),
    );
    return () => {
      live = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [recommender, ids, options.model, options.k, options.explain]);
  if (loadError) return { data: undefined, status: 'error', error: loadError, latencyMs: undefined };
  return { data: result.data, status: result.status, error: result.error, latencyMs: result.data?.latencyMs };
}
