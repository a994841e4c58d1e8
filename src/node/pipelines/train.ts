import { join, relative } from 'node:path';
import type { SeqModelEntry } from '../../core/artifacts/manifest.js';
import { InputError } from '../../core/errors.js';
import type { MetricValues } from '../../core/metrics/metrics.js';
import { makeProtocol, scoreLists } from '../../evaluation/protocol.js';
import type { WeightsPrecision } from '../../neural/io.js';
import type { SeqTrainConfig } from '../../neural/presets.js';
import type { EpochLog, TrainResult } from '../../neural/train.js';
import { tunedEmbeddingsName } from '../../recommenders/tuned-embeddings.js';
import { CATALOGUE, modelEntry, resolveConfig, SEQUENTIAL_NAMES, type SequentialName } from '../../recommenders/catalogue.js';
import { loadEmbeddings, readManifest, writeArtifact, writeCatalogArtifacts, writeManifest } from '../artifacts.js';
import { loadDataset } from '../dataset-files.js';
import { MODELS_DIR, ROOT } from '../paths.js';
import { startGradientPeer } from '../gradient-peer.js';
import { initTfjs, registerGradients } from '../tfjs-setup.js';
import { writeFileAtomic } from '../atomic-write.js';
import { readJsonFile } from '../json-file.js';

export interface TrainOptions {
  readonly dataset: string;
  readonly model: string;
  readonly configFile?: string;
  readonly epochs?: number;
  readonly permute?: boolean;
  /** Artifact folder (default: the model name, "-permuted" for a permuted control). */
  readonly name?: string;
  readonly embeddings?: string;
  readonly resume?: boolean;
  /** List the model in the manifest (false: an experiment, logged to bench/results). */
  readonly ship: boolean;
  readonly precision: WeightsPrecision;
  /**
   * Threads computing each batch (default 1): this one plus gradient workers (data-parallel,
   * src/node/gradient-peer.ts). Deterministic for a given count; counts differ in float rounding
   * and in the dropout draws of each thread's rows.
   */
  readonly threads?: number;
}

export interface TrainHooks {
  /** One line of human-readable output (config, epochs, results). */
  line?(text: string): void;
  info?(text: string): void;
  onBatch?(name: string, epoch: number, batch: number, batches: number, loss: number): void;
  onEpoch?(log: EpochLog, improved: boolean, bestSoFar: number): void;
}

export interface TrainOutcome {
  readonly name: string;
  readonly result: TrainResult;
  readonly metrics: MetricValues;
  readonly float32Metrics?: MetricValues;
  readonly weightsBytes: number;
  /** Where the model and its log went. */
  readonly written: string;
}

function isSequential(name: string): name is SequentialName {
  return (SEQUENTIAL_NAMES as readonly string[]).includes(name);
}

/**
 * Trains a sequential model of the catalogue with early stopping on its inner validation set,
 * checkpointing every epoch; writes the best epoch's weights at the chosen precision, the
 * training log, and (when shipped) its manifest entry.
 */
export async function trainModel(o: TrainOptions, hooks: TrainHooks = {}): Promise<TrainOutcome> {
  const entry = modelEntry(o.model);
  if (!entry.trained || !isSequential(o.model)) {
    throw new RangeError(`${o.model} is not trained by \`train\` (trained models: ${CATALOGUE.filter((m) => m.trained).map((m) => m.name).join(', ')})`);
  }
  const { llmItemInit, popularityBias } = await import('../../neural/presets.js');
  const { SeqModel } = await import('../../neural/model.js');
  const { trainSeqModel } = await import('../../neural/train.js');
  const { serializeModel, deserializeModel } = await import('../../neural/io.js');
  const { seqRecommender } = await import('../../neural/recommender.js');
  const { loadCheckpoint, saveCheckpoint } = await import('../train-checkpoint.js');
  const { recommendAll } = await import('../../recommenders/types.js');
  const fromFile = o.configFile ? readJsonFile(o.configFile) : {};
  const overrides = { ...(o.epochs ? { epochs: o.epochs } : {}), ...(o.permute ? { permuteEmbeddings: true } : {}) };
  const partial = typeof fromFile === 'object' && fromFile !== null && !Array.isArray(fromFile) ? { ...fromFile, ...overrides } : fromFile;
  // The catalogue's one merge-and-validate (the model's schema is SeqTrainConfig for every trained sequential model).
  const cfg = resolveConfig(o.model, partial, o.configFile ?? 'config') as SeqTrainConfig;
  const name = o.name ?? `${o.model}${cfg.permuteEmbeddings ? '-permuted' : ''}`;
  hooks.info?.(`tfjs backend: ${await initTfjs()}`);
  await registerGradients();
  const dataset = loadDataset(o.dataset);
  const p = makeProtocol(dataset);
  const nItems = dataset.catalog.ids.length;
  let init: Float32Array | undefined;
  let embName: string | undefined;
  if (cfg.llmInit !== 'none') {
    const e = await loadEmbeddings(o.dataset, dataset.catalog, o.embeddings).catch((err: unknown) => {
      // The embedder tuned without a seed's inner validation is an experiment, not shipped: say how to rebuild it.
      const seed = o.embeddings?.startsWith(`${tunedEmbeddingsName(o.dataset)}-val`) ? o.embeddings.slice(tunedEmbeddingsName(o.dataset).length + 4) : undefined;
      if (seed && err instanceof InputError && /no embeddings named/.test(err.message)) {
        throw new InputError(err.file, `${err.message.slice(err.file.length + 2)}; build them with \`npm run cli -- train --dataset ${o.dataset} --model llmseqsim-ft --val-seed ${seed}\``);
      }
      throw err;
    });
    embName = e.entry.name;
    init = (await llmItemInit(e.vectors, cfg.dim, cfg.llmInit, cfg.permuteEmbeddings, cfg.seed, cfg.llmScale)).data;
    hooks.info?.(`item table initialised from ${e.entry.name} (${cfg.llmInit}${cfg.permuteEmbeddings ? ', permuted across items' : ''})`);
  }
  const model = new SeqModel(
    { arch: cfg.arch, nItems, maxLen: cfg.maxLen, dim: cfg.dim, layers: cfg.layers, heads: cfg.heads, dropout: cfg.dropout, seed: cfg.seed, hidden: cfg.hidden },
    undefined,
    { items: init, itemBias: cfg.biasInit === 'popularity' ? popularityBias(p.split.train, nItems) : undefined },
  );
  const cpDir = join(ROOT, '.cache', 'train', o.dataset, name);
  const resume = o.resume ? loadCheckpoint(cpDir, cfg) : null;
  if (o.resume) hooks.info?.(resume ? `resuming after epoch ${resume.epoch} from ${relative(ROOT, cpDir)}` : `no checkpoint in ${relative(ROOT, cpDir)}: starting from scratch`);
  hooks.line?.(`training ${name} on ${p.split.stats.trainSessions} sessions: ${JSON.stringify(cfg)}`);
  let bestVal = Math.max(0, ...(resume?.history ?? []).map((h) => h.valNdcg20));
  const threads = o.threads ?? 1;
  const peers = await Promise.all(Array.from({ length: threads - 1 }, () => startGradientPeer(model.config)));
  if (threads > 1) hooks.info?.(`training on ${threads} threads (data-parallel)`);
  const result = await trainSeqModel(
    model,
    p.split.train,
    { epochs: cfg.epochs, batchSize: cfg.batchSize, lr: cfg.lr, weightDecay: cfg.weightDecay, clipNorm: cfg.clipNorm, maskProb: cfg.maskProb, maskCopies: cfg.maskCopies, lastItemCopy: cfg.lastItemCopy, patience: cfg.patience, plateauDecay: cfg.plateauDecay, valMax: cfg.valMax, seed: cfg.seed },
    {
      onBatch: (epoch, b, n, loss) => hooks.onBatch?.(name, epoch, b, n, loss),
      onEpoch: (log, improved) => {
        bestVal = Math.max(bestVal, log.valNdcg20);
        hooks.onEpoch?.(log, improved, bestVal);
      },
      onCheckpoint: (cp) => saveCheckpoint(cpDir, cfg, cp),
    },
    resume ?? undefined,
    peers,
  ).finally(() => Promise.all(peers.map((peer) => peer.close())));
  // The shipped file is what gets evaluated: the best epoch's weights at the chosen precision.
  const k = Math.max(...p.cutoffs);
  const float32Metrics = scoreLists(p, recommendAll(seqRecommender(model, name, cfg), p.split.test, k), p.split.test.targets);
  const { json, weights } = await serializeModel(model, o.precision);
  model.dispose();
  const rec = seqRecommender(deserializeModel(JSON.stringify(json), weights), name, cfg);
  const t0 = performance.now();
  const metrics = scoreLists(p, recommendAll(rec, p.split.test, k), p.split.test.targets);
  const predictSeconds = (performance.now() - t0) / 1000;
  rec.dispose?.();
  const trainLog = {
    model: name,
    config: cfg,
    // The item table's start (the LLM2* models): which embeddings of the manifest, by name.
    ...(embName ? { embeddings: embName } : {}),
    bestEpoch: result.bestEpoch,
    bestValNdcg20: result.bestValNdcg20,
    trainSeconds: result.seconds,
    threads,
    history: result.history,
    weights: { dtype: o.precision, bytes: weights.byteLength },
    test: { sessions: p.split.test.targets.length, metrics, predictSeconds, ...(o.precision !== 'float32' ? { float32Metrics } : {}) },
  };
  const logBytes = new TextEncoder().encode(`${JSON.stringify(trainLog, null, 2)}\n`);
  const outcome = { name, result, metrics, ...(o.precision !== 'float32' ? { float32Metrics } : {}), weightsBytes: weights.byteLength };
  if (!o.ship || cfg.permuteEmbeddings) {
    // Experiments and controls: the record goes to bench/results, the model stays out of the app.
    const logPath = join(ROOT, 'bench', 'results', `train-${name}.json`);
    writeFileAtomic(logPath, logBytes);
    writeFileAtomic(join(cpDir, 'model.json'), `${JSON.stringify(json)}\n`);
    writeFileAtomic(join(cpDir, 'weights.bin'), weights);
    return { ...outcome, written: `${relative(ROOT, logPath)}; the model (not listed in the manifest) is in ${relative(ROOT, cpDir)}` };
  }
  const modelRef = writeArtifact(o.dataset, `${name}/model.json`, new TextEncoder().encode(`${JSON.stringify(json)}\n`));
  const weightsRef = writeArtifact(o.dataset, `${name}/weights.bin`, weights);
  const logRef = writeArtifact(o.dataset, `${name}/train-log.json`, logBytes);
  const manifest = readManifest(o.dataset) ?? writeCatalogArtifacts(o.dataset, dataset.catalog);
  const seqEntry: SeqModelEntry = {
    name,
    label: entry.label,
    arch: cfg.arch,
    itemInit: cfg.llmInit === 'none' ? 'random' : cfg.llmInit === 'random' ? 'random-projection' : cfg.llmInit,
    ...(embName ? { embeddings: embName } : {}),
    nItems,
    weightsDtype: o.precision,
    model: modelRef,
    weights: weightsRef,
    trainLog: logRef,
  };
  // Listed in the catalogue's order (the app shows them so), other names after.
  const rank = (m: SeqModelEntry) => {
    const i = CATALOGUE.findIndex((c) => c.name === m.name);
    return i < 0 ? CATALOGUE.length : i;
  };
  const listed = [...(manifest.sequentialModels ?? []).filter((m) => m.name !== name), seqEntry].sort((a, b) => rank(a) - rank(b));
  writeManifest({ ...manifest, sequentialModels: listed });
  return { ...outcome, written: `${relative(ROOT, join(MODELS_DIR, o.dataset, name))}/model.json, weights.bin (${weights.byteLength} bytes, ${o.precision}), train-log.json; updated manifest.json` };
}
