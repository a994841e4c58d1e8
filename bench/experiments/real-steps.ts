import { makeProtocol } from '../../src/evaluation/protocol.js';
import { SeqModel } from '../../src/neural/model.js';
import { SEQ_PRESETS, popularityBias, type SeqModelName, type SeqTrainConfig } from '../../src/neural/presets.js';
import { resolveConfig } from '../../src/recommenders/catalogue.js';
import { buildBatch, copiesPerSession, epochBatches, innerSplit, trainStep } from '../../src/neural/train.js';
import { mulberry32 } from '../../src/core/vectors/random.js';
import { loadDataset } from '../../src/node/dataset-files.js';
import { readJsonFile } from '../../src/node/json-file.js';
import { startGradientPeer } from '../../src/node/gradient-peer.js';
import { initTfjs, registerGradients } from '../../src/node/tfjs-setup.js';
import { printKernelProfile } from './kernel-profile.js';

/**
 * The first training steps of a model's epoch 1 on real Beauty batches (its preset; random item
 * start), timed: what the synthetic step of bench/train-step.ts stands for. Prints ms per step,
 * the mean number of predicted positions, and the sum of the losses (equal sums: the same
 * arithmetic), and the epoch's step count with the training time it projects (steps x ms/step,
 * without the inner validation). `npx tsx bench/experiments/real-steps.ts [model] [steps] [--profile]
 * [--threads n] [--config file.json]`; run it alone. --config overrides the preset as `train --config`
 * does (e.g. the paper's BERT4Rec width: `{"dim": 512}`). With --profile, the same steps by tfjs
 * kernel instead (bench/experiments/kernel-profile.ts).
 */
const name = (process.argv[2] ?? 'bert4rec') as SeqModelName;
const steps = Number(process.argv[3] ?? 40);
if (!(name in SEQ_PRESETS)) throw new Error(`unknown model ${name} (one of ${Object.keys(SEQ_PRESETS).join(', ')})`);
const configArg = process.argv.indexOf('--config');
const configFile = configArg > 0 ? process.argv[configArg + 1] : undefined;
const cfg = resolveConfig(name, configFile ? readJsonFile(configFile) : undefined, configFile ?? 'config') as SeqTrainConfig;
await initTfjs();
await registerGradients();
const dataset = loadDataset('beauty');
const p = makeProtocol(dataset);
const nItems = dataset.catalog.ids.length;
const model = new SeqModel({ arch: cfg.arch, nItems, maxLen: cfg.maxLen, dim: cfg.dim, layers: cfg.layers, heads: cfg.heads, dropout: cfg.dropout, seed: cfg.seed, hidden: cfg.hidden }, undefined, {
  itemBias: popularityBias(p.split.train, nItems),
});
const { fit } = innerSplit(p.split.train, { valFraction: 0.1, valMax: cfg.valMax, seed: cfg.seed });
const threadsArg = process.argv.indexOf('--threads');
const threads = threadsArg > 0 ? Number(process.argv[threadsArg + 1]) : 1;
const peers = await Promise.all(Array.from({ length: threads - 1 }, () => startGradientPeer(model.config)));
const { step } = trainStep(model, cfg, peers);
const rand = mulberry32((cfg.seed * 7919 + 1) >>> 0);
model.reseedDropout(cfg.seed * 104729 + 1000003);
peers.forEach((p, k) => p.reseedDropout(cfg.seed * 104729 + 1000003 + (k + 1) * 7_777_777));
const copies = copiesPerSession(cfg.arch, cfg);
const epoch = epochBatches(fit, cfg.arch === 'bert4rec' ? cfg.maxLen : cfg.maxLen + 1, copies, cfg.batchSize, rand);
const batches = epoch.slice(0, steps + 3);
const built = batches.map((codes) => buildBatch(cfg.arch, cfg.maxLen, model.maskToken, fit, codes, copies, cfg, rand));
for (const b of built.slice(0, 3)) await step(b); // warm-up
if (process.argv.includes('--profile')) {
  await printKernelProfile(`${name}, real batches`, (i) => step(built[3 + i]), steps, 40);
  process.exit(0);
}
let loss = 0;
let predicted = 0;
const t = performance.now();
for (const b of built.slice(3)) {
  loss += await step(b);
  predicted += b.positions.length;
}
const ms = (performance.now() - t) / steps;
process.stdout.write(
  `${name} (D ${cfg.dim}${cfg.arch === 'gru4rec' ? `, hidden ${cfg.hidden}` : `, FFN ${4 * cfg.dim}`}, ${cfg.layers} layers), ${threads} thread(s): ${ms.toFixed(1)} ms/step over ${steps} real batches ` +
    `(mean ${(predicted / steps).toFixed(0)} predicted positions), loss sum ${loss.toFixed(6)}; ` +
    `an epoch is ${epoch.length} steps: ${((epoch.length * ms) / 60_000).toFixed(1)} min of training at this rate\n`,
);
await Promise.all(peers.map((p) => p.close()));
