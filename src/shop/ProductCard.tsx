import type { ItemId } from 'llmseqrec';
import { hrefOf } from './route.js';

/** A colour from the id, so the placeholder picture is stable per product. */
function hue(id: ItemId): number {
  return (Math.imul(id + 1, 2654435761) >>> 0) % 360;
}

export function Thumb({ id, title, large }: { id: ItemId; title: string; large?: boolean }) {
  const initials = title
    .split(/\s+/)
    .filter((w) => /^[A-Za-z0-9]/.test(w))
    .slice(0, 2)
    .map((w) => w[0].toUpperCase())
    .join('');
  return (
    <div className={large ? 'thumb large' : 'thumb'} style={{ background: `hsl(${hue(id)} 55% 85%)` }} aria-hidden="true">
      {initials}
    </div>
  );
}

/** A product tile: picture, title, link to its page, add-to-cart; `because` shows on hover. */
export function ProductCard(props: { id: ItemId; title: string; because?: string; onAdd: (id: ItemId) => void; testId: string }) {
  const why = props.because ? `Because you viewed ${props.because}` : undefined;
  return (
    <article className="card" data-testid={props.testId} data-item={props.id} title={why}>
      <a href={hrefOf({ page: 'item', id: props.id })} className="card-link">
        <Thumb id={props.id} title={props.title} />
        <span className="card-title">{props.title || `Item ${props.id}`}</span>
      </a>
      <button type="button" onClick={() => props.onAdd(props.id)}>
        Add to cart
      </button>
      {why && (
        <span className="because" data-testid="because">
          {why}
        </span>
      )}
    </article>
  );
}
