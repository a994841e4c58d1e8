/**
 * `npm run bench`: evaluation throughput of every non-neural model on the full Beauty test
 * split (fit + score all test sessions + metrics), and single-session latency (what a live
 * session change costs); then the shipped sequential models (training time to early stop,
 * test scoring, live latency). Prints tables and writes bench/results/eval-throughput.json.
 * Numbers on a shared 2-core machine are noisy: compare ratios within one run.
 */
import { writeFileAtomic } from '../src/node/atomic-write.js';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { EvalCases } from '../src/core/dataset/types.js';
import { jsDotKernel } from '../src/core/vectors/matrix.js';
import { makeProtocol, runModelAsync } from '../src/evaluation/protocol.js';
import { subsetCases } from '../src/core/prompt/cases.js';
import { readManifest } from '../src/node/artifacts.js';
import { chooseConfig, contextOn, openWorkspace, type TrainLogSummary } from '../src/node/pipelines/context.js';
import { servableModels } from '../src/node/pipelines/report.js';
import { ROOT } from '../src/node/paths.js';
import { fmt, formatTable } from '../src/node/table.js';
import { buildModel, modelEntry } from '../src/recommenders/catalogue.js';
import type { Recommender } from '../src/recommenders/types.js';

const DATASET = 'beauty';
const LATENCY_SESSIONS = 300;

function quantile(xs: number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))];
}

/** Milliseconds per top-20 for LATENCY_SESSIONS test prompts, one at a time (a live session change). */
async function liveLatency(m: Recommender, cases: EvalCases, sessions = LATENCY_SESSIONS): Promise<number[]> {
  const lat: number[] = [];
  const step = Math.max(1, Math.floor(cases.targets.length / sessions));
  for (let c = 0; c < cases.targets.length && lat.length < sessions; c += step) {
    const prompt = cases.promptItems.subarray(cases.promptOffsets[c], cases.promptOffsets[c + 1]);
    const t = performance.now();
    // Generative models only run asynchronously (the app awaits every model the same way).
    if (m.recommendBatchAsync && m.recommendAsync) await m.recommendAsync(prompt, 20);
    else m.recommend(prompt, 20);
    lat.push(performance.now() - t);
  }
  return lat;
}

/** Generative models write n names per session (seconds each): their rows use the first sessions only. */
const GENERATIVE_SESSIONS = 200;

const tLoad = performance.now();
const models = await servableModels(DATASET);
const ws = await openWorkspace(DATASET, models);
const loadSeconds = (performance.now() - tLoad) / 1000;
const backend = ws.backend ?? 'none';
const dataset = ws.dataset;

interface Row {
  model: string;
  kernel: string;
  sessions: number;
  fitSeconds: number;
  predictSeconds: number;
  metricsSeconds: number;
  sessionsPerSecond: number;
  latencyP50Ms: number;
  latencyP95Ms: number;
  ndcg20: number;
}
const rows: Row[] = [];

// Every model of the catalogue the dataset serves; LLMSeqSim also with the pure-JS kernel.
const variants: { model: string; kernel: 'js' | 'tfjs' }[] = models.flatMap((model) =>
  model === 'llmseqsim' ? [{ model, kernel: 'tfjs' as const }, { model, kernel: 'js' as const }] : [{ model, kernel: 'tfjs' as const }],
);

for (const v of variants) {
  const p = v.kernel === 'js' ? makeProtocol(dataset, { dotKernel: jsDotKernel }) : ws.protocol;
  const ctx = { ...contextOn(ws, p.split.train, v.model), ...(v.kernel === 'js' ? { dotKernel: jsDotKernel } : {}) };
  const { config } = await chooseConfig(DATASET, v.model);
  const t0 = performance.now();
  const generative = modelEntry(v.model).family === 'generative';
  const cases = generative ? subsetCases(p.split.test, GENERATIVE_SESSIONS) : p.split.test;
  const r = await runModelAsync(p, v.model, config, ctx, cases);
  const total = (performance.now() - t0) / 1000;

  // Live latency: one session at a time, as the app scores a changed session.
  const m = buildModel(v.model, ctx, config);
  const lat = await liveLatency(m, p.split.test, generative ? 20 : LATENCY_SESSIONS);
  m.dispose?.();
  rows.push({
    model: v.model,
    kernel: modelEntry(v.model).needs.includes('backend') ? (v.kernel === 'tfjs' ? `tfjs-${backend}` : 'js') : '-',
    sessions: r.sessions,
    fitSeconds: r.fitSeconds,
    predictSeconds: r.predictSeconds,
    metricsSeconds: total - r.fitSeconds - r.predictSeconds,
    sessionsPerSecond: r.sessions / (r.fitSeconds + r.predictSeconds),
    latencyP50Ms: quantile(lat, 0.5),
    latencyP95Ms: quantile(lat, 0.95),
    ndcg20: r.metrics['NDCG@20'],
  });
}

const counted = rows.filter((r) => r.kernel !== 'js' && modelEntry(r.model).family === 'session');
const wholeEval = loadSeconds + counted.reduce((a, r) => a + r.fitSeconds + r.predictSeconds + r.metricsSeconds, 0);

console.log(`Beauty test split, ${rows[0].sessions} sessions; tfjs backend ${backend}; data load ${loadSeconds.toFixed(2)} s`);
console.log(
  formatTable(
    ['model', 'kernel', 'fit s', 'predict s', 'metrics s', 'sessions/s', 'live p50 ms', 'live p95 ms', 'NDCG@20'],
    rows.map((r) => [
      r.model,
      r.kernel,
      fmt(r.fitSeconds, 2),
      fmt(r.predictSeconds, 2),
      fmt(r.metricsSeconds, 2),
      fmt(r.sessionsPerSecond, 0),
      fmt(r.latencyP50Ms, 2),
      fmt(r.latencyP95Ms, 2),
      fmt(r.ndcg20),
    ]),
  ),
);
console.log(`whole non-neural evaluation (data load + the 7 session-based models once, llmseqsim on tfjs): ${wholeEval.toFixed(1)} s (target < 10 s)`);

// Trained sequential models shipped in the manifest: training time to early stop (from their
// training logs), batched test-split scoring, and one live session's top-20.
interface SeqRow {
  model: string;
  weights: string;
  weightsBytes: number;
  epochsRun: number;
  bestEpoch: number;
  trainMinutes: number;
  /** The same run repeated with every other job paused (bench/train-alone.sh), null if not measured. */
  aloneMinutes: number | null;
  secondsPerEpoch: number;
  predictSeconds: number;
  latencyP50Ms: number;
  latencyP95Ms: number;
  ndcg20: number;
}
/**
 * Minutes to early stop of `name`'s run repeated alone (bench/train-alone.sh writes
 * bench/results/train-<name>-alone.json, or train-<name><tag>-alone.json when the shipped model
 * was trained with a --config), counted only if it reproduced the shipped run: the same epochs and
 * the same best inner-validation score (training is deterministic here).
 */
function aloneMinutes(name: string, log: TrainLogSummary | undefined): number | null {
  if (!log) return null;
  const dir = join(ROOT, 'bench', 'results');
  for (const file of readdirSync(dir)) {
    if (!file.startsWith(`train-${name}`) || !file.endsWith('-alone.json')) continue;
    const alone = JSON.parse(readFileSync(join(dir, file), 'utf8')) as TrainLogSummary;
    const same = alone.history.length === log.history.length && alone.bestEpoch === log.bestEpoch && Math.abs(alone.bestValNdcg20 - log.bestValNdcg20) < 1e-9;
    if (same) return alone.trainSeconds / 60;
  }
  return null;
}
const seqRows: SeqRow[] = [];
for (const entry of readManifest(DATASET)?.sequentialModels ?? []) {
  const chosen = await chooseConfig(DATASET, entry.name);
  const log = chosen.trainLog;
  const row = rows.find((r) => r.model === entry.name);
  if (!row) continue;
  const epochs = log?.history.length ?? 0;
  seqRows.push({
    model: entry.name,
    weights: entry.weightsDtype,
    weightsBytes: entry.weights.bytes,
    epochsRun: epochs,
    bestEpoch: log?.bestEpoch ?? 0,
    trainMinutes: (log?.trainSeconds ?? 0) / 60,
    aloneMinutes: aloneMinutes(entry.name, log),
    secondsPerEpoch: epochs ? log!.history.reduce((a, h) => a + h.seconds, 0) / epochs : 0,
    predictSeconds: row.predictSeconds,
    latencyP50Ms: row.latencyP50Ms,
    latencyP95Ms: row.latencyP95Ms,
    ndcg20: row.ndcg20,
  });
}
if (seqRows.length > 0) {
  console.log(`\nTrained sequential models (tfjs ${backend}); training times from each model's train-log.json (cli train on this machine; alone: the run repeated by bench/train-alone.sh, when it reproduced it)`);
  console.log(
    formatTable(
      ['model', 'weights', 'bytes', 'epochs run', 'best epoch', 'train min', 'alone min', 's/epoch', 'test predict s', 'live p50 ms', 'live p95 ms', 'NDCG@20'],
      seqRows.map((r) => [
        r.model,
        r.weights,
        String(r.weightsBytes),
        String(r.epochsRun),
        String(r.bestEpoch),
        fmt(r.trainMinutes, 1),
        r.aloneMinutes === null ? '-' : fmt(r.aloneMinutes, 1),
        fmt(r.secondsPerEpoch, 0),
        fmt(r.predictSeconds, 2),
        fmt(r.latencyP50Ms, 2),
        fmt(r.latencyP95Ms, 2),
        fmt(r.ndcg20),
      ]),
    ),
  );
}

const out = join(ROOT, 'bench', 'results', 'eval-throughput.json');
writeFileAtomic(
  out,
  `${JSON.stringify({ date: new Date().toISOString(), node: process.version, tfjsBackend: backend, dataset: DATASET, loadSeconds, wholeEvalSeconds: wholeEval, rows, sequential: seqRows }, null, 2)}\n`,
);
console.log(`wrote ${out}`);
