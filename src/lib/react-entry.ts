/** React bindings of llmseqrec: `<RecommenderProvider>`, `useRecommendations`, `useRecommender`. */
export { RecommenderProvider, useRecommendations, useRecommender, type QueryStatus, type RecommendationsQuery } from './react.js';
export * from './index.js';
