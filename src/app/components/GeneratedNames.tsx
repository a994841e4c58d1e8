/**
 * What a generative model (LLMSeqPrompt) wrote and what each name was matched to, for the
 * recommendations column: "wrote '…' -> matched <item>". Not wired into the engine yet (the
 * worker engine is being refactored): pass a model's `Ranked.generated` here once its
 * ModelRecommendations carries it.
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
    <details className="generated" data-testid="generated-names">
      <summary>What the model wrote (a small language model trained from scratch on this shop's sessions, not a pretrained LLM)</summary>
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
