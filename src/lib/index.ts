/**
 * llmseqrec: next-item recommendations from LLM embeddings, computed in the browser.
 *
 *   const rec = await createRecommender({ baseUrl: '/models/beauty/' });
 *   const { items } = await rec.recommend([5788, 12093], { k: 10 });
 *
 * React bindings: `llmseqrec/react`.
 */
export { createRecommender } from './recommender.js';
export { RecommenderError, type RecommenderErrorCode } from './errors.js';
export type {
  BackendChoice,
  BackendName,
  CandidatesEndpoint,
  CatalogItem,
  ItemId,
  ModelInfo,
  Recommendations,
  RecommendedItem,
  Recommender,
  RecommenderOptions,
  RecommendOptions,
} from './types.js';
