import { DECAYS } from '../core/session/decay.js';
import type { ModelName } from '../recommenders/registry.js';

/**
 * Hyper-parameter grids searched on the validation folds (`cli tune`), as partial configs
 * merged over the model's defaults.
 */
export function defaultGrid(model: ModelName): object[] {
  switch (model) {
    case 'llmseqsim': {
      const out: object[] = [];
      const reductions = [{ method: 'none' }, { method: 'pca', dims: 64 }, { method: 'random', dims: 64, seed: 7 }];
      for (const similarity of ['cosine', 'dot', 'euclidean']) {
        for (const reduction of reductions) {
          out.push({ aggregation: 'last', decay: 'none', similarity, reduction });
          for (const decay of DECAYS) out.push({ aggregation: 'mean', decay, similarity, reduction });
        }
      }
      return out;
    }
    case 'sknn':
    case 'v-sknn':
    case 's-sknn':
    case 'sf-sknn': {
      const out: object[] = [];
      for (const k of [50, 100, 200]) {
        for (const sampleSize of [500, 1000, 2000]) {
          for (const similarity of ['cosine', 'dot']) {
            for (const idfWeighting of [false, true]) {
              out.push({ k, sampleSize, similarity, idfWeighting, ...(model === 'v-sknn' ? { decay: 'harmonic' } : {}) });
            }
          }
        }
      }
      return out;
    }
    case 'sknn-emb': {
      const out: object[] = [];
      for (const k of [50, 100, 200]) {
        for (const idfWeighting of [false, true]) {
          for (const promptAggregation of ['mean', 'last'] as const) {
            for (const trainingAggregation of ['mean', 'last'] as const) {
              out.push({
                k,
                sampleSize: 1000,
                idfWeighting,
                decay: promptAggregation === 'mean' ? 'harmonic' : 'none',
                embeddingSimilarity: { promptAggregation, trainingAggregation, trainingDecay: 'none' },
              });
            }
          }
        }
      }
      return out;
    }
    case 'mostpopular':
      return [{}];
    case 'llmseqsim-ft':
      // Its embedder was trained on every training session, the folds' validation sessions
      // included: a search here would choose on sessions it learned from. Its config is the
      // one its objective trains (last item, dot); the embedder's own settings are chosen on
      // fold 3 by `train --model llmseqsim-ft`.
      return [{}];
  }
}
