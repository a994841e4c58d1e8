import { useRecommendations, useRecommender, type ItemId } from 'llmseqrec/react';
import { ProductCard } from './ProductCard.js';

/** A row of suggestions for the visitor's session, from the best model by validation. */
export function Strip(props: { title: string; session: readonly ItemId[]; onAdd: (id: ItemId) => void; testId: string }) {
  const { recommender } = useRecommender();
  const { data, status, error, latencyMs } = useRecommendations(props.session, { k: 8 });
  const model = data ? recommender?.models().find((m) => m.name === data.model) : undefined;
  return (
    <section className="strip" data-testid={props.testId} aria-label={props.title}>
      <h2>
        {props.title}
        {data && model && (
          <span className="strip-meta" data-testid="strip-model">
            {' '}
            by {model.label}
            {model.validationNdcg20 !== null ? ` (best validation NDCG@20, ${model.validationNdcg20.toFixed(4)})` : ''}, {latencyMs?.toFixed(0)} ms on this device
          </span>
        )}
      </h2>
      {status === 'error' && <p className="problem">Suggestions are unavailable: {error?.message}</p>}
      {status === 'pending' && !data && <p className="muted">Finding suggestions…</p>}
      {data && (
        <div className="cards">
          {data.items.map((it) => (
            <ProductCard key={it.id} id={it.id} title={it.title} because={it.because?.title} onAdd={props.onAdd} testId="strip-item" />
          ))}
        </div>
      )}
    </section>
  );
}
