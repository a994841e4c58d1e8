/**
 * Which embeddings `llmseqsim-ft` scores with: the catalog vectors of the static embedder
 * fine-tuned on the dataset's training sessions (`cli train --model llmseqsim-ft`), listed
 * in the dataset's manifest under this name; the model folder has the same name under
 * public/models/.
 */
export const TUNED_EMBEDDER_BASE = 'potion-base-4M-int8';

export function tunedEmbeddingsName(dataset: string): string {
  return `${TUNED_EMBEDDER_BASE}-ft-${dataset}`;
}
