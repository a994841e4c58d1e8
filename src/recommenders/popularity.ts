import { z } from 'zod';
import type { Ranked, Recommender, TrainingData } from './types.js';

export const MostPopularConfig = z
  .object({
    /** Exclude the session's own items (the paper's filter_prompt_items). */
    filterPromptItems: z.boolean(),
  })
  .strict();
export type MostPopularConfig = z.infer<typeof MostPopularConfig>;

export const MOST_POPULAR_DEFAULTS: MostPopularConfig = { filterPromptItems: true };

/** Recommends the items with the most training interactions. */
export function fitMostPopular(data: TrainingData, config: MostPopularConfig = MOST_POPULAR_DEFAULTS): Recommender {
  const counts = new Float64Array(data.nItems);
  for (let p = 0; p < data.train.items.length; p++) counts[data.train.items[p]]++;
  // A plain loop, not Int32Array.from with a map function (its generic path took ~5 ms for 12k items on first use).
  let seen = 0;
  for (let i = 0; i < data.nItems; i++) if (counts[i] > 0) seen++;
  const ranked = new Int32Array(seen);
  for (let i = 0, j = 0; i < data.nItems; i++) if (counts[i] > 0) ranked[j++] = i;
  ranked.sort((a, b) => counts[b] - counts[a] || a - b);
  return {
    name: 'mostpopular',
    config,
    recommend(session: Int32Array, k: number): Ranked {
      const items = new Int32Array(k).fill(-1);
      const scores = new Float32Array(k).fill(-Infinity);
      let j = 0;
      for (let r = 0; r < ranked.length && j < k; r++) {
        const it = ranked[r];
        if (config.filterPromptItems && session.includes(it)) continue;
        items[j] = it;
        scores[j] = counts[it];
        j++;
      }
      return { items, scores };
    },
  };
}
