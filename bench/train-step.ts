/**
 * Training-step timing of the sequential models (tfjs, the backend the CLI picks) on a fixed,
 * Beauty-like step shape, and the same step in PyTorch (Debian's python3-torch) as a yardstick
 * when it is installed, so the ratio is measured in one run. `tsx bench/train-step.ts [--quick]`;
 * `npm run bench` runs it too. Writes bench/results/train-step.json.
 *
 * The step: B sequences of L tokens (Beauty's batches, bucketed by length, average ~8 items),
 * 12,101 items; BERT4Rec predicts 40% of the tokens (the paper's sampling at mask .5-.65
 * mixed with the last-item copies), SASRec and GRU4Rec every token.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { mulberry32 } from '../src/core/vectors/random.js';
import { SeqModel, type SeqArch } from '../src/neural/model.js';
import { type BatchArrays, trainStep } from '../src/neural/train.js';
import { ROOT } from '../src/node/paths.js';
import { fmt, formatTable } from '../src/node/table.js';
import { availableCores, startGradientPeer } from '../src/node/gradient-peer.js';
import { initTfjs, registerGradients } from '../src/node/tfjs-setup.js';

export interface StepShape {
  arch: SeqArch;
  nItems: number;
  dim: number;
  layers: number;
  heads: number;
  hidden: number;
  batch: number;
  len: number;
  /** Fraction of the tokens whose output is predicted. */
  predicted: number;
}

export interface StepRow extends StepShape {
  engine: string;
  /** Threads the step ran on (tfjs: this one plus gradient workers, data-parallel; PyTorch: its intra-op threads). */
  threads: number;
  /** Wall time per step (depends on what else runs on the machine). */
  msPerStep: number;
  /** CPU time of the process per step: the comparable number on a shared machine. */
  cpuMsPerStep: number;
  seqPerSecond: number;
  loss0: number;
}

export const STEP_SHAPES: StepShape[] = [
  { arch: 'bert4rec', nItems: 12101, dim: 64, layers: 2, heads: 2, hidden: 0, batch: 256, len: 10, predicted: 0.4 },
  { arch: 'sasrec', nItems: 12101, dim: 64, layers: 1, heads: 1, hidden: 0, batch: 128, len: 10, predicted: 1 },
  { arch: 'gru4rec', nItems: 12101, dim: 64, layers: 1, heads: 1, hidden: 96, batch: 128, len: 10, predicted: 1 },
];

/** A deterministic synthetic batch of the shape (same in the PyTorch script: seeded there too, values differ). */
export function syntheticBatch(s: StepShape, seed: number): BatchArrays {
  const rand = mulberry32(seed);
  const tokens = new Int32Array(s.batch * s.len);
  for (let i = 0; i < tokens.length; i++) tokens[i] = 1 + Math.floor(rand() * s.nItems);
  const n = Math.max(1, Math.round(tokens.length * s.predicted));
  const positions = new Int32Array(n);
  const targets = new Int32Array(n);
  const stride = tokens.length / n;
  for (let j = 0; j < n; j++) {
    const p = Math.min(tokens.length - 1, Math.floor(j * stride));
    positions[j] = p;
    targets[j] = tokens[p] - 1;
    if (s.arch === 'bert4rec') tokens[p] = s.nItems + 1;
  }
  return { rows: s.batch, L: s.len, tokens, positions, targets };
}

export async function tfjsStepRow(s: StepShape, steps: number, threads = 1): Promise<StepRow> {
  const config = { arch: s.arch, nItems: s.nItems, maxLen: 20, dim: s.dim, layers: s.layers, heads: s.heads, dropout: 0.1, seed: 1, hidden: s.hidden || undefined };
  const model = new SeqModel(config);
  const peers = await Promise.all(Array.from({ length: threads - 1 }, () => startGradientPeer(config)));
  const { optimizer, step } = trainStep(model, { lr: 1e-3, clipNorm: 5, weightDecay: 0.002 }, peers);
  const batches = [0, 1, 2].map((k) => syntheticBatch(s, k + 1));
  const loss0 = await step(batches[0]); // warm-up (kernels, allocations)
  await step(batches[1]);
  const t = performance.now();
  const c = process.cpuUsage(); // the process's CPU time: worker threads included
  for (let i = 0; i < steps; i++) await step(batches[i % 3]);
  const ms = (performance.now() - t) / steps;
  const cu = process.cpuUsage(c);
  const cpuMs = (cu.user + cu.system) / 1000 / steps;
  optimizer.dispose();
  model.dispose();
  await Promise.all(peers.map((p) => p.close()));
  return { ...s, engine: `tfjs-${tf.getBackend()}`, threads, msPerStep: ms, cpuMsPerStep: cpuMs, seqPerSecond: (1000 * s.batch) / ms, loss0 };
}

/** The same step in PyTorch via bench/torch_step.py, or null when python3-torch is missing. */
export function torchStepRow(s: StepShape, steps: number, threads = 1): StepRow | null {
  try {
    // Debian's python3-torch lives in the system Python (a pyenv python3 may shadow it).
    const python = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
    const out = execFileSync(python, [join(ROOT, 'bench', 'torch_step.py'), JSON.stringify({ ...s, steps, threads })], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    const r = JSON.parse(out.trim().split('\n').pop()!) as { msPerStep: number; cpuMsPerStep: number; engine: string; loss0: number };
    return { ...s, engine: r.engine, threads, msPerStep: r.msPerStep, cpuMsPerStep: r.cpuMsPerStep, seqPerSecond: (1000 * s.batch) / r.msPerStep, loss0: r.loss0 };
  } catch (e) {
    process.stderr.write(`PyTorch yardstick skipped: ${(e as Error).message.split('\n')[0]}\n`);
    return null;
  }
}

/** Every shape on one thread and, on a machine with more cores, on two (tfjs data-parallel; PyTorch intra-op). */
export async function trainStepBench(quick: boolean): Promise<StepRow[]> {
  await initTfjs();
  await registerGradients();
  const steps = quick ? 3 : 15;
  const threadCounts = availableCores() > 1 ? [1, 2] : [1];
  const rows: StepRow[] = [];
  for (const s of STEP_SHAPES) {
    for (const threads of threadCounts) {
      rows.push(await tfjsStepRow(s, steps, threads));
      const t = torchStepRow(s, steps, threads);
      if (t) rows.push(t);
    }
  }
  return rows;
}

/**
 * Wall time per step against PyTorch's at the same thread count (the machine alone), and for one
 * thread also CPU time against CPU time (the comparison of the earlier, shared-machine runs).
 */
export function stepTable(rows: StepRow[]): string {
  const torch = (r: StepRow) => rows.find((t) => t.engine.startsWith('torch') && t.arch === r.arch && t.threads === r.threads);
  return formatTable(
    ['model', 'engine', 'threads', 'D', 'layers', 'B x L', 'predicted', 'wall ms/step', 'CPU ms/step', 'seq/s', 'x PyTorch (wall)', 'x PyTorch (CPU, 1 thread)'],
    rows.map((r) => {
      const t = torch(r);
      const isTorch = r.engine.startsWith('torch');
      return [
        r.arch,
        r.engine,
        String(r.threads),
        String(r.dim),
        String(r.layers),
        `${r.batch} x ${r.len}`,
        fmt(r.predicted, 2),
        fmt(r.msPerStep, 1),
        fmt(r.cpuMsPerStep, 1),
        fmt(r.seqPerSecond, 0),
        t && !isTorch ? fmt(r.msPerStep / t.msPerStep, 2) : '-',
        t && !isTorch && r.threads === 1 ? fmt(r.cpuMsPerStep / t.cpuMsPerStep, 2) : '-',
      ];
    }),
  );
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const rows = await trainStepBench(process.argv.includes('--quick'));
  process.stdout.write(`Training step (one optimisation step incl. clipping + AdamW; run it with the machine otherwise idle)\n${stepTable(rows)}\n`);
  mkdirSync(join(ROOT, 'bench', 'results'), { recursive: true });
  writeFileSync(join(ROOT, 'bench', 'results', 'train-step.json'), `${JSON.stringify({ measuredAt: new Date().toISOString(), rows }, null, 2)}\n`);
}
