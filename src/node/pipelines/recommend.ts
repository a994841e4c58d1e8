import { InputError } from '../../core/errors.js';
import { buildModel } from '../../recommenders/catalogue.js';
import { chooseConfig, contextOn, openWorkspace } from './context.js';

export interface RecommendOptions {
  readonly dataset: string;
  readonly model: string;
  /** The dataset's own item ids, in session order. */
  readonly items: readonly string[];
  readonly k: number;
}

export interface Recommendation {
  readonly id: number;
  readonly title: string;
  readonly score: number;
  /** The session item that contributed most ("because you added X"), when the model can say. */
  readonly because: { id: number; title: string } | null;
}

/** Top-k for one session given in the dataset's own ids (the model trained on the whole training split). */
export async function recommendSession(o: RecommendOptions): Promise<{ model: string; config: object; configSource: string; items: Recommendation[] }> {
  const ws = await openWorkspace(o.dataset, [o.model]);
  const { catalog } = ws.dataset;
  const session = Int32Array.from(o.items, (raw, i) => {
    const id = Number(raw);
    const idx = Number.isInteger(id) && raw.trim() !== '' ? catalog.indexOf.get(id) : undefined;
    if (idx === undefined) throw new InputError('--items', `item ${i + 1} ("${raw}") is not an item id of ${o.dataset}`);
    return idx;
  });
  if (session.length === 0) throw new InputError('--items', 'give at least one item id');
  const chosen = await chooseConfig(o.dataset, o.model);
  const model = buildModel(o.model, contextOn(ws, ws.protocol.split.train, o.model), chosen.config);
  try {
    const r = model.recommendAsync ? await model.recommendAsync(session, o.k, true) : model.recommend(session, o.k, true);
    const items: Recommendation[] = [];
    r.items.forEach((it, j) => {
      if (it < 0) return;
      const b = r.because?.[j] ?? -1;
      items.push({
        id: catalog.ids[it],
        title: catalog.titles[it],
        score: r.scores[j],
        because: b >= 0 ? { id: catalog.ids[b], title: catalog.titles[b] } : null,
      });
    });
    return { model: o.model, config: chosen.config, configSource: chosen.source, items };
  } finally {
    model.dispose?.();
  }
}
