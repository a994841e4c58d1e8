import { createRecommender, RecommenderError } from 'llmseqrec';

/**
 * The README's "Use it in your shop" example on a plain page (no React): it imports only the
 * package entry. `?dataset=` picks the artifacts folder, `?session=` the item ids (comma-separated),
 * `?model=` a model, `?add=<title>` adds a new item (id 1000000) first, `?candidates=<endpoint>`
 * re-ranks candidates from a vector index (`cli serve`). The e2e test reads the DOM this writes.
 */
const params = new URLSearchParams(location.search);
const dataset = params.get('dataset') ?? 'beauty';
const session = (params.get('session') ?? '5788,12093').split(',').filter(Boolean).map(Number);
const status = document.getElementById('status')!;

function li(parent: HTMLElement, text: string, attrs: Record<string, string>): void {
  const el = document.createElement('li');
  el.textContent = text;
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
  parent.append(el);
}

try {
  const added = params.get('add');
  const candidates = params.get('candidates');
  const rec = await createRecommender({
    baseUrl: `/models/${dataset}/`,
    localEmbeddings: added !== null,
    ...(candidates ? { candidates: { endpoint: candidates, n: Number(params.get('n') ?? 200) } } : {}),
  });
  if (added !== null) await rec.addItem({ id: 1_000_000, title: added });
  const result = await rec.recommend(session, { k: 10, explain: true, ...(params.get('model') ? { model: params.get('model')! } : {}) });
  for (const item of result.items) {
    li(document.getElementById('recs')!, `${item.title} (${item.score.toFixed(3)})${item.because ? ` because you viewed ${item.because.title}` : ''}`, {
      'data-testid': 'rec',
      'data-id': String(item.id),
      ...(item.because ? { 'data-because': String(item.because.id) } : {}),
    });
  }
  for (const m of rec.models()) {
    li(document.getElementById('models')!, `${m.label}: validation NDCG@20 ${m.validationNdcg20?.toFixed(4) ?? 'n/a'}${m.available ? '' : ` (unavailable: ${m.reason ?? 'loading'})`}`, {
      'data-testid': 'model',
      'data-name': m.name,
      'data-available': String(m.available),
    });
  }
  status.textContent = `${result.model} on ${result.backend}: ${result.items.length} items in ${result.latencyMs.toFixed(1)} ms`;
  status.dataset.model = result.model;
  if (result.candidates) {
    const c = result.candidates;
    status.textContent += c.error
      ? `; the candidates request failed (${c.error}): scored the whole catalog`
      : `; ${c.reranked ? 're-ranked' : 'did not re-rank (scored the whole catalog)'} ${c.n} candidates from ${c.source} (${c.ms.toFixed(1)} ms)`;
    status.dataset.candidates = String(c.n);
    status.dataset.reranked = String(c.reranked);
  }
  rec.dispose();
} catch (e) {
  status.textContent = e instanceof RecommenderError ? `${e.code} error${e.file ? ` in ${e.file}` : ''}: ${e.message}` : String(e);
  status.dataset.error = e instanceof RecommenderError ? e.code : 'other';
}
