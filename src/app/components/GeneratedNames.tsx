/**
 * What a generative model (LLMSeqPrompt) wrote and what each name was matched to, in its
 * recommendations column: "wrote '…' -> matched <item>" (or the nearest item).
 */
export interface GeneratedName {
  readonly text: string;
  readonly item: number;
  readonly how: 'exact' | 'nearest';
}

export function GeneratedNames(props: { generated: readonly GeneratedName[]; titles: readonly string[]; max?: number }) {
  const { generated, titles, max = 5 } = props;
  if (generated.length === 0) return <p className="muted">The model wrote no name in its time budget.</p>;
  return (
    <details className="generated" data-testid="generated-names" open>
      <summary>What the model wrote</summary>
      <ul>
        {generated.slice(0, max).map((g, i) => (
          <li key={i} data-testid="generated-name" data-item={g.item} data-how={g.how}>
            wrote “{g.text}” → {g.how === 'exact' ? 'matched' : 'nearest item'} {titles[g.item] || '(untitled product)'}
          </li>
        ))}
      </ul>
    </details>
  );
}
