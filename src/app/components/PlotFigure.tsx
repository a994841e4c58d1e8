import { type ReactNode, useEffect, useRef } from 'react';
import type { EvalPlots } from './eval-plots.js';

/**
 * Renders an Observable Plot chart into a figure. Plot (with d3) is imported on first use, so
 * it stays out of the bundle the recommendation view loads first.
 */
export function PlotFigure(props: { label: string; plot: EvalPlots; caption?: ReactNode }) {
  const { label, plot, caption } = props;
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    let cancelled = false;
    let el: Element | undefined;
    void import('@observablehq/plot').then((P) => {
      if (cancelled || !ref.current) return;
      el = plot(P);
      ref.current.replaceChildren(el);
    });
    return () => {
      cancelled = true;
      el?.remove();
    };
  }, [plot]);
  return (
    <figure className="chart">
      <div ref={ref} role="img" aria-label={label} data-testid="plot" />
      {caption && <figcaption className="muted">{caption}</figcaption>}
    </figure>
  );
}
