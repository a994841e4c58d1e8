import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { AutoTokenizer, env } from '@huggingface/transformers';
import { coldStartCases } from '../core/dataset/cold-start.js';
import type { Dataset, EvalCases, SessionSet } from '../core/dataset/types.js';
import { InputError } from '../core/errors.js';
import type { MetricValues } from '../core/metrics/metrics.js';
import type { DenseMatrix } from '../core/vectors/matrix.js';
import { innerSplit } from '../core/dataset/inner-split.js';
import { temporalSplit } from '../core/dataset/split.js';
import { makeProtocol, runModel } from '../evaluation/protocol.js';
import { EMBEDDER_FT_DEFAULTS, EmbedderFtConfig, fineTuneStaticEmbedder, type FtEpochLog, type TitleTokens } from '../neural/embedder-ft.js';
import { TUNED_EMBEDDER_BASE, tunedEmbeddingsName } from '../recommenders/tuned-embeddings.js';
import { SEQ_PRESETS } from '../neural/presets.js';
import { TRAIN_DEFAULTS } from '../neural/train.js';
import { tfjsDotKernel } from '../tfjs/dot-kernel.js';
import { readManifest, writeManifest } from './artifacts.js';
import { embedDataset } from './embed.js';
import { MODELS_DIR, ROOT } from './paths.js';
import { readStaticModel, writeStaticModel } from './static-model.js';

/**
 * `cli train --model llmseqsim-ft`: fine-tunes the bundled static embedder on a dataset's
 * training sessions (src/neural/embedder-ft.ts), writes the result as a transformers.js model
 * folder public/models/<base>-ft-<dataset>/ (the original folder with a new token table in
 * onnx/model.onnx), embeds the catalog with it through transformers.js (the same path as
 * `embed`, so the shipped vectors are what the model gives) and scores LLMSeqSim on them.
 *
 * Hyper-parameters and early stopping: an inner validation set, the newest 10% of the
 * training sessions (the model trains on the other 90%, as the sequential models do; a
 * retraining on all of them would double the cost on this shared machine). The test split is
 * only scored at the end, never used to choose anything.
 *
 * With `valSeed`, the held-out sessions are instead the sequential models' inner validation set
 * drawn with that seed (src/core/dataset/inner-split.ts: 10% of the training sessions, at most
 * the presets' valMax): an LLM2* model started from these vectors then validates, early-stops
 * and is chosen on sessions the embedder never saw. That model is an experiment: it is written
 * under its own name (`<base>-ft-<dataset>-val<seed>`), and the shipped one stays as it is.
 */

/** Share of the training sessions (the newest) held out for early stopping. */
export const INNER_VALIDATION_FRACTION = 0.1;

/** LLMSeqSim's configuration for tuned vectors: the objective trains exactly this query (the last item, dot = cosine on unit vectors). */
export const LLMSEQSIM_FT_CONFIG = { aggregation: 'last', decay: 'none', similarity: 'dot', reduction: { method: 'none' }, filterPromptItems: true } as const;

export interface TrainEmbedderOptions {
  readonly dataset: Dataset;
  readonly config: EmbedderFtConfig;
  /** Hold out the sequential models' inner validation sessions of this seed (see above). */
  readonly valSeed?: number;
  readonly log: (line: string) => void;
  readonly onBatch?: (phase: string, epoch: number, batch: number, batches: number, loss: number) => void;
}

export interface TrainEmbedderResult {
  readonly modelDir: string;
  readonly modelBytes: number;
  readonly embeddingsName: string;
  readonly trainLog: Record<string, unknown>;
}

export async function tokenizeTitles(modelName: string, titles: readonly string[]): Promise<TitleTokens> {
  env.allowRemoteModels = false;
  env.allowLocalModels = true;
  env.localModelPath = `${MODELS_DIR}/`;
  const tokenizer = await AutoTokenizer.from_pretrained(modelName);
  const offsets = new Int32Array(titles.length + 1);
  const all: number[] = [];
  titles.forEach((t, i) => {
    // Empty titles get no tokens: the catalog embedder gives them the mean item vector.
    if (t.trim() !== '') for (const id of tokenizer.encode(t)) all.push(id);
    offsets[i + 1] = all.length;
  });
  return { offsets, tokens: Int32Array.from(all) };
}

function metricsOf(m: MetricValues): Record<string, number> {
  return { 'NDCG@20': m['NDCG@20'], 'HitRate@20': m['HitRate@20'], 'MRR@20': m['MRR@20'], 'NDCG@10': m['NDCG@10'] };
}

export async function trainTunedEmbedder(o: TrainEmbedderOptions): Promise<TrainEmbedderResult> {
  const { dataset, log } = o;
  const name = tunedEmbeddingsName(dataset.name) + (o.valSeed === undefined ? '' : `-val${o.valSeed}`);
  const baseDir = join(MODELS_DIR, TUNED_EMBEDDER_BASE);
  const outDir = join(MODELS_DIR, name);
  const p = makeProtocol(dataset, { dotKernel: tfjsDotKernel });
  const nItems = dataset.catalog.ids.length;
  const base = readStaticModel(baseDir);
  const titles = await tokenizeTitles(TUNED_EMBEDDER_BASE, dataset.catalog.titles);
  log(`base model ${relative(ROOT, baseDir)}: ${base.vocab} tokens x ${base.dim}; ${titles.tokens.length} title tokens over ${nItems} titles`);

  const score = (train: typeof p.split.train, cases: typeof p.split.test) => (vectors: DenseMatrix) =>
    runModel(p, 'llmseqsim', LLMSEQSIM_FT_CONFIG, { train, nItems, embeddings: vectors, dotKernel: p.dotKernel }, cases).metrics;
  const epochLine = (phase: string) => (l: FtEpochLog, improved: boolean) =>
    log(
      l.epoch === 0
        ? `${phase}: before tuning, validation NDCG@20 ${l.valScore.toFixed(4)}`
        : `${phase} epoch ${l.epoch}: loss ${l.loss.toFixed(4)}, validation NDCG@20 ${l.valScore.toFixed(4)}${improved ? ' (best so far)' : ''}, rms shift ${l.rmsShift.toFixed(4)}, ${l.seconds.toFixed(0)} s`,
    );

  // Inner validation, as the paper's protocol one level down: the newest 10% of the training
  // sessions (by last timestamp) are held out, untrained items removed, last item withheld;
  // or, with valSeed, the sequential models' inner validation sessions of that seed.
  const inner = o.valSeed === undefined ? newestTenth(p.split.train, nItems) : seqInnerValidation(p.split.train, o.valSeed);
  log(`training on ${inner.describe} (${inner.train.offsets.length - 1} of ${p.split.stats.trainSessions} training sessions); early stopping on ${inner.test.targets.length} validation cases (LLMSeqSim last/dot NDCG@20)`);
  const validate = score(inner.train, inner.test);
  const fin = await fineTuneStaticEmbedder(base, titles, inner.train, o.config, {
    validate: (v) => validate(v)['NDCG@20'],
    onEpoch: epochLine('train'),
    onBatch: (e, b, n, l) => o.onBatch?.('train', e, b, n, l),
  });
  log(`best epoch ${fin.bestEpoch} (validation NDCG@20 ${fin.bestValScore.toFixed(4)}), ${(fin.seconds / 60).toFixed(1)} min`);
  if (fin.bestEpoch === 0) log('no epoch beat the untuned table on validation: the written model is the original table');

  if (existsSync(outDir)) rmSync(outDir, { recursive: true });
  const readme =
    `# ${name}\n\n${TUNED_EMBEDDER_BASE} (model2vec static embeddings, MIT; see LICENSE) with its token table fine-tuned on the ` +
    `${dataset.name} training sessions by \`npm run cli -- train --dataset ${dataset.name} --model llmseqsim-ft${o.valSeed === undefined ? '' : ` --val-seed ${o.valSeed}`}\` ` +
    `(contrastive next-item objective, pulled toward the original table). Same tokenizer, same graph, int8 table; ` +
    `the rows of tokens that never occur in the catalog's titles are the original's. Training record: train-log.json.\n`;
  const written = writeStaticModel(baseDir, outDir, fin.table, { 'README.md': readme });
  log(`wrote ${relative(ROOT, outDir)}/ (onnx/model.onnx ${written.bytes} bytes, int8 scale ${written.scale.toPrecision(6)})`);

  // The catalog vectors come from the written model through transformers.js, as `embed` makes them.
  const manifestBefore = readManifest(dataset.name);
  const entry = await embedDataset(dataset, { provider: 'transformers', model: name, modelPath: MODELS_DIR, dtype: 'int8', name, batchSize: 64, log });
  // embedDataset lists new embeddings first (the default); the tuned ones go last, so the default stays.
  const m = readManifest(dataset.name);
  if (m && manifestBefore && manifestBefore.embeddings.length > 0) {
    writeManifest({ ...m, embeddings: [...m.embeddings.filter((e) => e.name !== name), ...m.embeddings.filter((e) => e.name === name)] });
  }
  const { loadEmbeddings } = await import('./artifacts.js');
  const tuned = (await loadEmbeddings(dataset.name, dataset.catalog, name)).vectors;
  const untuned = (await loadEmbeddings(dataset.name, dataset.catalog, TUNED_EMBEDDER_BASE)).vectors;
  const cold = coldStartCases(p.split, nItems);
  const results = {
    test: { untuned: metricsOf(score(p.split.train, p.split.test)(untuned)), tuned: metricsOf(score(p.split.train, p.split.test)(tuned)), cases: p.split.test.targets.length },
    coldStart: { untuned: metricsOf(score(p.split.train, cold.cases)(untuned)), tuned: metricsOf(score(p.split.train, cold.cases)(tuned)), cases: cold.cases.targets.length },
  };
  const trainLog = {
    model: 'llmseqsim-ft',
    embedder: name,
    base: TUNED_EMBEDDER_BASE,
    dataset: dataset.name,
    config: o.config,
    validation: { heldOut: inner.describe, ...(o.valSeed === undefined ? {} : { seed: o.valSeed }), cases: inner.test.targets.length, fitSessions: inner.train.offsets.length - 1 },
    bestEpoch: fin.bestEpoch,
    bestValNdcg20: fin.bestValScore,
    llmseqsim: LLMSEQSIM_FT_CONFIG,
    trainedTokens: fin.trainedTokens,
    pairs: fin.pairs,
    history: fin.history,
    trainSeconds: fin.seconds,
    onnxBytes: written.bytes,
    int8Scale: written.scale,
    embeddings: { name: entry.name, file: entry.file, bytes: entry.bytes },
    results,
  };
  writeFileSync(join(outDir, 'train-log.json'), `${JSON.stringify(trainLog, null, 2)}\n`);
  mkdirSync(dirname(join(ROOT, 'bench', 'results', 'x')), { recursive: true });
  writeFileSync(join(ROOT, 'bench', 'results', `train-${name}.json`), `${JSON.stringify(trainLog, null, 2)}\n`);
  if (!existsSync(join(outDir, 'onnx', 'model.onnx'))) throw new InputError(relative(ROOT, outDir), 'model file missing after writing');
  return { modelDir: outDir, modelBytes: written.bytes, embeddingsName: name, trainLog };
}

export interface FitAndValidation {
  readonly train: SessionSet;
  readonly test: EvalCases;
  readonly describe: string;
}

function newestTenth(train: SessionSet, nItems: number): FitAndValidation {
  const t = temporalSplit(train, nItems, INNER_VALIDATION_FRACTION);
  return { train: t.train, test: t.test, describe: `the oldest 90% of the training sessions, the newest ${t.stats.testSessions} held out` };
}

/** The sequential models' inner split (the trainer's valFraction, the presets' valMax) of `seed`. */
export function seqInnerValidation(train: SessionSet, seed: number): FitAndValidation {
  const t = innerSplit(train, { valFraction: TRAIN_DEFAULTS.valFraction, valMax: SEQ_PRESETS.bert4rec.valMax, seed });
  return { train: t.train, test: t.cases, describe: `the training sessions but the sequential models' inner validation set (seed ${seed}, ${t.cases.targets.length} sessions)` };
}

export function parseFtConfig(fromFile: unknown, file: string | undefined, epochs?: number): EmbedderFtConfig {
  const merged = { ...EMBEDDER_FT_DEFAULTS, ...(fromFile as object), ...(epochs ? { epochs } : {}) };
  const r = EmbedderFtConfig.safeParse(merged);
  if (!r.success) throw new InputError(file ?? 'config', `invalid llmseqsim-ft config: ${r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  return r.data;
}

/** The `train --model llmseqsim-ft` command body (the CLI only parses options and dispatches here). */
export async function trainEmbedderCommand(o: {
  dataset: string;
  config: unknown;
  configFile?: string;
  epochs?: number;
  valSeed?: number;
  quiet?: boolean;
  out: (line: string) => void;
  info: (line: string) => void;
}): Promise<void> {
  const { initTfjs, registerGradients } = await import('./tfjs-setup.js');
  const { loadDataset } = await import('./dataset-files.js');
  const { progressBar } = await import('./progress.js');
  const config = parseFtConfig(o.config, o.configFile, o.epochs);
  o.info(`tfjs backend: ${await initTfjs()}`);
  await registerGradients();
  const dataset = loadDataset(o.dataset);
  o.out(`fine-tuning ${TUNED_EMBEDDER_BASE} on the ${o.dataset} training sessions: ${JSON.stringify(config)}`);
  let bar = progressBar('llmseqsim-ft', 1, o.quiet);
  const r = await trainTunedEmbedder({
    dataset,
    config,
    valSeed: o.valSeed,
    log: (line) => {
      bar.stop();
      o.out(line);
    },
    onBatch: (phase, epoch, b, n, loss) => {
      if (b === 1) {
        bar.stop();
        bar = progressBar(`${phase} epoch ${epoch}`, n, o.quiet);
      }
      bar.update(b, undefined, `loss ${loss.toFixed(4)}`);
      // A log file gets a line every 50 steps instead of a bar.
      if (!process.stderr.isTTY && (b % 50 === 0 || b === n)) o.info(`${phase} epoch ${epoch}: step ${b}/${n}, loss ${loss.toFixed(4)}, ${new Date().toISOString()}`);
    },
  });
  bar.stop();
  const res = r.trainLog.results as Record<'test' | 'coldStart', { untuned: Record<string, number>; tuned: Record<string, number>; cases: number }>;
  o.out('LLMSeqSim (last item, dot) before and after tuning:');
  for (const [split, v] of Object.entries(res)) {
    o.out(`  ${split} (${v.cases} cases): NDCG@20 ${v.untuned['NDCG@20'].toFixed(4)} -> ${v.tuned['NDCG@20'].toFixed(4)}, HR@20 ${v.untuned['HitRate@20'].toFixed(4)} -> ${v.tuned['HitRate@20'].toFixed(4)}`);
  }
  o.out(`wrote ${relative(ROOT, r.modelDir)}/ (model.onnx ${r.modelBytes} bytes), embeddings "${r.embeddingsName}" in the ${o.dataset} manifest, bench/results/train-${r.embeddingsName}.json`);
}
