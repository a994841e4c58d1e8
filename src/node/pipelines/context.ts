import { relative } from 'node:path';
import type { TrainedFiles } from '../../core/artifacts/loader.js';
import { type TrainedEntry, trainedEntries } from '../../core/artifacts/manifest.js';
import { coldStartCases, describeColdStart } from '../../core/dataset/cold-start.js';
import type { Dataset, EvalCases, SessionSet } from '../../core/dataset/types.js';
import { InputError } from '../../core/errors.js';
import type { MetricValues } from '../../core/metrics/metrics.js';
import type { DenseMatrix, DotKernelFactory } from '../../core/vectors/matrix.js';
import { makeProtocol, type Protocol } from '../../evaluation/protocol.js';
import { type BuildContext, modelEntry, needs, resolveConfig } from '../../recommenders/catalogue.js';
import { loadEmbeddings, loadTrainedFiles, readManifest, readVerified } from '../artifacts.js';
import { bestConfigsPath, readBestConfig } from '../configs.js';
import { loadDataset } from '../dataset-files.js';
import { readJsonFile } from '../json-file.js';
import { ROOT } from '../paths.js';
import { initTfjs } from '../tfjs-setup.js';

/**
 * What every pipeline starts from: a dataset with the paper's protocol, and the resources the
 * chosen models need (embeddings, trained weights, a tfjs backend), loaded once.
 */
export interface Workspace {
  readonly name: string;
  readonly dataset: Dataset;
  readonly protocol: Protocol;
  readonly embeddings?: DenseMatrix;
  /** e.g. "potion-base-4M-int8 (128-d int8, transformers.js)". */
  readonly embeddingsLabel?: string;
  /** Models that score with their own named embeddings (e.g. llmseqsim-ft's tuned vectors). */
  readonly modelEmbeddings: ReadonlyMap<string, DenseMatrix>;
  readonly trained: ReadonlyMap<string, TrainedFiles>;
  readonly dotKernel?: DotKernelFactory;
  /** The tfjs backend in use, when a model needs one. */
  readonly backend?: string;
  readonly notes: readonly string[];
}

export type SplitChoice = 'test' | 'cold' | 1 | 2 | 3;

/** Opens a dataset and loads what `models` need. */
export async function openWorkspace(name: string, models: readonly string[], opts: { embeddings?: string } = {}): Promise<Workspace> {
  for (const m of models) modelEntry(m); // unknown names fail before any loading
  const dataset = loadDataset(name);
  const notes: string[] = [];
  const any = (need: Parameters<typeof needs>[1]) => models.some((m) => needs(m, need));
  let dotKernel: DotKernelFactory | undefined;
  let backend: string | undefined;
  if (any('backend')) {
    try {
      backend = await initTfjs();
      const { tfjsDotKernel } = await import('../../tfjs/dot-kernel.js');
      dotKernel = tfjsDotKernel;
    } catch (e) {
      // Embedding models still score with the pure-JS kernel; trained models cannot run.
      if (any('weights')) throw e;
      notes.push(`tfjs unavailable (${(e as Error).message}); scoring with the pure-JS kernel`);
    }
  }
  let embeddings: DenseMatrix | undefined;
  let embeddingsLabel: string | undefined;
  if (any('embeddings')) {
    const e = await loadEmbeddings(name, dataset.catalog, opts.embeddings);
    embeddings = e.vectors;
    embeddingsLabel = `${e.entry.name} (${e.entry.dim}-d ${e.entry.dtype}, ${e.entry.provider})`;
  }
  const modelEmbeddings = new Map<string, DenseMatrix>();
  for (const m of models) {
    const own = modelEntry(m).embeddings?.(name);
    if (!own) continue;
    try {
      modelEmbeddings.set(m, (await loadEmbeddings(name, dataset.catalog, own)).vectors);
    } catch (e) {
      if (e instanceof InputError && /no embeddings named/.test(e.message)) {
        throw new InputError(e.file, `has no embeddings named "${own}": ${m} needs them; run \`npm run cli -- train --dataset ${name} --model ${m}\``);
      }
      throw e;
    }
  }
  const trained = any('weights') ? await loadTrainedFiles(name, dataset.catalog.ids.length) : new Map<string, TrainedFiles>();
  return { name, dataset, protocol: makeProtocol(dataset, dotKernel ? { dotKernel } : {}), embeddings, embeddingsLabel, modelEmbeddings, trained, dotKernel, backend, notes };
}

/** The build context of a model on a set of training sessions (with the model's own embeddings if it names them). */
export function contextOn(ws: Workspace, train: SessionSet, model?: string): BuildContext {
  const embeddings = (model && ws.modelEmbeddings.get(model)) || ws.embeddings;
  return { train, nItems: ws.dataset.catalog.ids.length, embeddings, dotKernel: ws.dotKernel, trained: ws.trained };
}

/** Training sessions and cases of the test split or a validation fold. */
export function casesFor(p: Protocol, split: SplitChoice): { train: SessionSet; cases: EvalCases; label: string } {
  if (split === 'test') return { train: p.split.train, cases: p.split.test, label: 'test split' };
  if (split === 'cold') {
    const c = coldStartCases(p.split, p.dataset.catalog.ids.length);
    return { train: p.split.train, cases: c.cases, label: `cold-start split (${describeColdStart(c.stats)})` };
  }
  const f = p.folds[split - 1];
  return { train: f.train, cases: f.validation, label: `validation fold ${split}` };
}

/** The parts of a model's train-log.json (written by `cli train`) that reports and benchmarks read. */
export interface TrainLogSummary {
  config: Record<string, unknown>;
  trainSeconds: number;
  bestEpoch: number;
  bestValNdcg20: number;
  history: { seconds: number }[];
}

export async function readTrainLog(dataset: string, entry: TrainedEntry): Promise<TrainLogSummary | null> {
  if (!entry.trainLog) return null;
  return JSON.parse(new TextDecoder().decode(await readVerified(dataset, entry.trainLog))) as TrainLogSummary;
}

export interface ChosenConfig {
  readonly config: object;
  /** Where it came from, e.g. "configs/beauty.json (best mean NDCG@20 over 3 validation folds of 72 configs)". */
  readonly source: string;
  readonly validation?: MetricValues;
  /** Trained models: their training log. */
  readonly trainLog?: TrainLogSummary;
}

/**
 * The config a model runs with: a --config file, else the dataset's best-known config
 * (configs/<dataset>.json, chosen on validation), else the defaults. A trained model runs with
 * the config it was trained with (its train-log.json); it cannot be changed without training.
 */
export async function chooseConfig(dataset: string, model: string, configFile?: string): Promise<ChosenConfig> {
  const entry = modelEntry(model);
  if (entry.trained) {
    if (configFile) throw new InputError(configFile, `${model} is a trained model: its config is fixed by its training (use \`train --model ${model} --config ${configFile}\`)`);
    const manifest = readManifest(dataset);
    const seq = manifest ? trainedEntries(manifest).find((m) => m.name === model) : undefined;
    if (!seq) throw new InputError(`public/models/${dataset}/manifest.json`, `lists no trained ${model}: run \`npm run cli -- train --dataset ${dataset} --model ${model}\``);
    const log = await readTrainLog(dataset, seq);
    return {
      config: { ...(log?.config ?? {}), weights: seq.weightsDtype },
      source: `${seq.trainLog?.file ?? seq.model.file} (trained by \`cli train\`, early stopping on inner validation)`,
      ...(log ? { trainLog: log } : {}),
      ...(typeof log?.bestValNdcg20 === 'number' ? { validation: { 'NDCG@20': log.bestValNdcg20 } } : {}),
    };
  }
  if (configFile) return { config: resolveConfig(model, readJsonFile(configFile), configFile), source: configFile };
  const best = readBestConfig(dataset, model);
  if (best) {
    const where = relative(ROOT, bestConfigsPath(dataset));
    return { config: resolveConfig(model, best.config, where), source: `${where} (${best.selectedBy})`, validation: best.validation };
  }
  return { config: resolveConfig(model, undefined, 'defaults'), source: 'defaults' };
}
