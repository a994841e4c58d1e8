import { innerSplit } from '../../src/core/dataset/inner-split.js';
import { runModel } from '../../src/evaluation/protocol.js';
import { SEQ_PRESETS } from '../../src/neural/presets.js';
import { TRAIN_DEFAULTS } from '../../src/neural/train.js';
import { chooseConfig, contextOn, openWorkspace } from '../../src/node/pipelines/context.js';

/**
 * Are two training seeds' inner validation NDCG@20 values comparable? The inner validation set
 * (2,000 training sessions) is drawn with the training seed, so seeds 42 and 43 validate on
 * different sessions. Models that are not trained (MostPopular, V-SKNN and LLMSeqSim, with
 * their chosen configs) are scored on each seed's set, fitted on that seed's remaining
 * sessions: a gap between the sets is the sets', not a trained model's.
 * `npx tsx bench/experiments/inner-split-seeds.ts [dataset] [seed...]`
 */
const dataset = process.argv[2] ?? 'beauty';
const seeds = process.argv.length > 3 ? process.argv.slice(3).map(Number) : [42, 43];
const models = ['mostpopular', 'v-sknn', 'llmseqsim'];
const { valMax } = SEQ_PRESETS.bert4rec;
const ws = await openWorkspace(dataset, models);
const rows: string[] = [`| model | ${seeds.map((s) => `seed ${s}`).join(' | ')} |`, `|---|${seeds.map(() => '---|').join('')}`];
for (const model of models) {
  const { config } = await chooseConfig(dataset, model);
  const cells = seeds.map((seed) => {
    const s = innerSplit(ws.protocol.split.train, { valFraction: TRAIN_DEFAULTS.valFraction, valMax, seed });
    return runModel(ws.protocol, model, config, contextOn(ws, s.train, model), s.cases).metrics['NDCG@20'].toFixed(4);
  });
  rows.push(`| ${model} | ${cells.join(' | ')} |`);
}
process.stdout.write(`Inner validation NDCG@20 on ${dataset} by the seed that draws the set (valMax ${valMax}):\n${rows.join('\n')}\n`);
