import { SeqModel } from '../../src/neural/model.js';
import { trainStep } from '../../src/neural/train.js';
import { initTfjs, registerGradients } from '../../src/node/tfjs-setup.js';
import { STEP_SHAPES, syntheticBatch } from '../train-step.js';
import { printKernelProfile } from './kernel-profile.js';

/**
 * Where one training step's time goes, by tfjs kernel (issue #10): `tf.profile` over a few
 * steps of the benchmark's shapes (bench/train-step.ts), kernel times summed by kernel name and
 * input shapes, largest first. `npx tsx bench/experiments/profile-step.ts [bert4rec|sasrec|gru4rec] [top]`;
 * run it alone. Real Beauty batches: bench/experiments/real-steps.ts --profile.
 */
const arch = process.argv[2] ?? 'bert4rec';
const top = Number(process.argv[3] ?? 30);
const shape = STEP_SHAPES.find((s) => s.arch === arch);
if (!shape) throw new Error(`no step shape for ${arch} (bert4rec, sasrec, gru4rec)`);
await initTfjs();
await registerGradients();
const model = new SeqModel({ arch: shape.arch, nItems: shape.nItems, maxLen: 20, dim: shape.dim, layers: shape.layers, heads: shape.heads, dropout: 0.1, seed: 1, hidden: shape.hidden || undefined });
const { step } = trainStep(model, { lr: 1e-3, clipNorm: 5, weightDecay: 0.002 });
const batches = [1, 2, 3].map((k) => syntheticBatch(shape, k));
await step(batches[0]);
await step(batches[1]);
await printKernelProfile(arch, (i) => step(batches[i % 3]), 5, top);
