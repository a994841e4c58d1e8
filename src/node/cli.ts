import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { Command, InvalidArgumentError, Option } from 'commander';
import type { SeqModelEntry } from '../core/artifacts/manifest.js';
import type { WeightsPrecision } from '../neural/io.js';
import type { EvalReport, ModelResult } from '../core/artifacts/report.js';
import { EvalReport as EvalReportSchema } from '../core/artifacts/report.js';
import type { EvalCases, SessionSet } from '../core/dataset/types.js';
import { InputError } from '../core/errors.js';
import { type MetricValues, meanMetrics } from '../core/metrics/metrics.js';
import type { DenseMatrix } from '../core/vectors/matrix.js';
import { defaultGrid } from '../evaluation/grids.js';
import { makeProtocol, type Protocol, runModel, scoreLists } from '../evaluation/protocol.js';
import { formatRecsFile, parseRecsFile } from '../evaluation/recs-file.js';
import { isModelName, MODEL_NAMES, MODELS, type ModelName, needsEmbeddings, resolveConfig } from '../recommenders/registry.js';
import { loadEmbeddings, readManifest, writeArtifact, writeCatalogArtifacts, writeManifest } from './artifacts.js';
import { bestConfigsPath, readBestConfig, writeBestConfig } from './configs.js';
import { loadDataset } from './dataset-files.js';
import { MODELS_DIR, ROOT } from './paths.js';
import { progressBar } from './progress.js';
import { initTfjs } from './tfjs-setup.js';
import { registerPromptCommands, trainLlmSeqPromptCli } from './prompt-cli.js';
import { tfjsDotKernel } from '../tfjs/dot-kernel.js';
import { fmt, formatTable } from './table.js';

const METRIC_COLUMNS = ['NDCG', 'HitRate', 'MRR', 'CatalogCoverage', 'Serendipity', 'Novelty'];

function out(line = ''): void {
  process.stdout.write(`${line}\n`);
}
function info(line: string): void {
  process.stderr.write(`${line}\n`);
}

function precisionChoice(v: string): WeightsPrecision {
  if (v !== 'float16' && v !== 'float32' && v !== 'uint8') throw new InvalidArgumentError('must be float32, float16 or uint8');
  return v;
}

function positiveInt(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('must be a positive integer');
  return n;
}

function modelName(v: string): ModelName {
  if (!isModelName(v)) throw new InvalidArgumentError(`unknown model "${v}" (models: ${MODEL_NAMES.join(', ')})`);
  return v;
}

type SplitChoice = 'test' | 1 | 2 | 3;
function splitChoice(v: string): SplitChoice {
  if (v === 'test') return 'test';
  const n = Number(v);
  if (n === 1 || n === 2 || n === 3) return n;
  throw new InvalidArgumentError('must be "test" or a validation fold 1, 2 or 3');
}

function metricsTable(rows: { label: string; metrics: MetricValues }[], cutoffs: readonly number[]): string {
  const header = ['model', ...cutoffs.flatMap((k) => METRIC_COLUMNS.map((m) => `${m === 'CatalogCoverage' ? 'Cov' : m === 'Serendipity' ? 'Seren' : m}@${k}`))];
  return formatTable(
    header,
    rows.map((r) => [r.label, ...cutoffs.flatMap((k) => METRIC_COLUMNS.map((m) => fmt(r.metrics[`${m}@${k}`], m === 'Novelty' ? 3 : 4)))]),
  );
}

function printSplitStats(p: Protocol): void {
  const d = p.dataset;
  const s = p.split.stats;
  out(`dataset ${d.name}: ${d.sessions.ids.length} sessions, ${d.catalog.ids.length} items, ${d.sessions.items.length} interactions`);
  out(
    `temporal split (test fraction 0.2): ${s.trainSessions} train sessions, ${s.testSessions} test sessions -> ` +
      `${s.testCases} test cases (${s.removedTestInteractions} interactions with untrained items removed, ${s.droppedTestSessions} sessions dropped)`,
  );
  for (const f of p.folds) {
    out(
      `  validation fold ${f.index}: ${f.stats.trainSessions} train sessions, ${f.stats.testSessions} held out -> ${f.stats.testCases} cases`,
    );
  }
}

function casesFor(p: Protocol, split: SplitChoice): { train: SessionSet; cases: EvalCases; label: string } {
  if (split === 'test') return { train: p.split.train, cases: p.split.test, label: 'test split' };
  const f = p.folds[split - 1];
  return { train: f.train, cases: f.validation, label: `validation fold ${split}` };
}

function readJsonFile(path: string): unknown {
  if (!existsSync(path)) throw new InputError(path, 'not found');
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new InputError(path, `not valid JSON (${(e as Error).message})`);
  }
}

/** The config to run: --config file, else the dataset's best-known config, else the defaults. */
function chooseConfig(dataset: string, model: ModelName, configFile?: string): { config: object; source: string; validation?: MetricValues } {
  if (configFile) return { config: resolveConfig(model, readJsonFile(configFile), configFile), source: configFile };
  const best = readBestConfig(dataset, model);
  if (best) {
    const where = relative(ROOT, bestConfigsPath(dataset));
    return { config: resolveConfig(model, best.config, where), source: `${where} (${best.selectedBy})`, validation: best.validation };
  }
  return { config: resolveConfig(model, undefined, 'defaults'), source: 'defaults' };
}

function embeddingsFor(dataset: string, p: Protocol, models: readonly ModelName[], name?: string): { vectors?: DenseMatrix; label?: string } {
  if (!models.some(needsEmbeddings)) return {};
  const e = loadEmbeddings(dataset, p.dataset.catalog, name);
  return { vectors: e.vectors, label: `${e.entry.name} (${e.entry.dim}-d ${e.entry.dtype}, ${e.entry.provider})` };
}

function writeJson(path: string, value: unknown): void {
  mkdirSync(dirname(resolve(path)), { recursive: true });
  writeFileSync(path, `${JSON.stringify(value, null, 2)}\n`);
}

function runWithBar(p: Protocol, model: ModelName, config: object, train: SessionSet, cases: EvalCases, vectors: DenseMatrix | undefined, quiet: boolean) {
  const bar = progressBar(`${model}`, cases.targets.length, quiet);
  try {
    return runModel(p, model, config, train, cases, vectors, (d, t) => bar.update(d, t));
  } finally {
    bar.stop();
  }
}

/**
 * Embedding models score with tfjs (wasm, or tfjs-node when installed); pure JS if that
 * fails. Other models need no tfjs, so it is only started when one of them runs.
 */
async function kernelOptions(models: readonly ModelName[]): Promise<{ dotKernel?: typeof tfjsDotKernel }> {
  if (!models.some(needsEmbeddings)) return {};
  try {
    const backend = await initTfjs();
    info(`tfjs backend: ${backend}`);
    return { dotKernel: tfjsDotKernel };
  } catch (e) {
    info(`tfjs unavailable (${(e as Error).message}); scoring with the pure-JS kernel`);
    return {};
  }
}

const program = new Command();
program
  .name('npm run cli --')
  .description('LLM-embedding sequential recommenders (Harte et al. RecSys\'23): data, embeddings, evaluation.')
  .showHelpAfterError();

program
  .command('prepare')
  .description('load a dataset, check it, print the split statistics and write its catalog artifact')
  .requiredOption('--dataset <name>', 'dataset folder under data/', 'beauty')
  .action(async (o: { dataset: string }) => {
    const dataset = loadDataset(o.dataset);
    const p = makeProtocol(dataset);
    printSplitStats(p);
    const m = writeCatalogArtifacts(o.dataset, dataset.catalog, { train: p.split.train, test: p.split.test });
    out(`wrote ${[m.catalog.file, m.sessions?.file, 'manifest.json'].filter(Boolean).map((f) => relative(ROOT, join(MODELS_DIR, o.dataset, f!))).join(', ')}`);
  });

program
  .command('embed')
  .description('compute one vector per item title and write it as an artifact with a manifest entry')
  .requiredOption('--dataset <name>', 'dataset folder under data/', 'beauty')
  .addOption(new Option('--provider <provider>', 'embedding provider').choices(['transformers', 'openai']).default('transformers'))
  .option('--model <id>', 'transformers.js model folder under --model-path, or the remote model name', 'potion-base-4M-int8')
  .option('--model-path <dir>', 'folder holding transformers.js model folders', relative(process.cwd(), MODELS_DIR) || '.')
  .addOption(new Option('--dtype <dtype>', 'stored precision').choices(['float32', 'float16', 'int8']).default('int8'))
  .option('--name <name>', 'name of the embeddings in the manifest (default: the model name)')
  .option('--batch-size <n>', 'titles per batch (batches hold titles of similar length)', positiveInt, 64)
  .option('--quiet', 'no progress bar')
  .addHelpText(
    'after',
    '\nThe openai provider reads OPENAI_API_KEY and OPENAI_BASE_URL (default https://api.openai.com/v1) from the\n' +
      'environment; any OpenAI-compatible /embeddings endpoint works. Finished batches are checkpointed under\n' +
      '.cache/, so an interrupted run resumes where it stopped.',
  )
  .action(async (o: { dataset: string; provider: 'transformers' | 'openai'; model: string; modelPath: string; dtype: 'float32' | 'float16' | 'int8'; name?: string; batchSize: number; quiet?: boolean }) => {
    const dataset = loadDataset(o.dataset);
    const bar = progressBar(`embedding ${dataset.catalog.ids.length} titles`, dataset.catalog.ids.length, o.quiet);
    const t0 = performance.now();
    // Loaded on demand: transformers.js/onnxruntime take a while to import.
    const { embedDataset } = await import('./embed.js');
    const entry = await embedDataset(dataset, {
      provider: o.provider,
      model: o.model,
      modelPath: resolve(o.modelPath),
      dtype: o.dtype,
      name: o.name,
      batchSize: o.batchSize,
      onProgress: (d, t) => bar.update(d, t),
      log: info,
    }).finally(() => bar.stop());
    const secs = (performance.now() - t0) / 1000;
    out(`embedded ${entry.count} titles into ${entry.dim}-d vectors in ${secs.toFixed(1)} s (${Math.round(entry.count / secs)} titles/s)`);
    if (entry.emptyTitleItemIds.length) {
      out(`${entry.emptyTitleItemIds.length} items with empty titles got the normalised mean vector: ids ${entry.emptyTitleItemIds.join(', ')}`);
    }
    out(`wrote ${entry.file} (${entry.bytes} bytes) and updated manifest.json`);
  });

program
  .command('evaluate')
  .description('score models (or an external recommendation file) on the test split or a validation fold')
  .requiredOption('--dataset <name>', 'dataset folder under data/', 'beauty')
  .option('--model <name>', `a model: ${MODEL_NAMES.join(', ')}`, modelName)
  .option('--models <names>', 'several models, comma-separated (or "all")')
  .option('--config <file>', 'JSON config for --model (partial; merged over the defaults)')
  .option('--recs <file>', 'score an external recommendation file {"<session_id>": [item_id, ...]}')
  .option('--split <split>', 'test, or validation fold 1, 2 or 3', splitChoice, 'test' as SplitChoice)
  .option('--embeddings <name>', 'which embeddings in the manifest (default: the first)')
  .option('--json <out>', 'write {"sessions": n, "metrics": {...}} (one model or --recs)')
  .option('--write-recs <out>', 'write the model\'s top-20 lists as {"<session_id>": [item_id, ...]} (one model)')
  .option('--quiet', 'no progress bars')
  .addHelpText(
    'after',
    '\nWith no --config, a model runs with the best configuration known for the dataset (configs/<dataset>.json,\n' +
      'chosen by `tune` on the validation folds), or its defaults.\n' +
      'External lists are scored as given (cut to k, not filtered); test sessions missing from the file count as\n' +
      'empty lists, sessions not in the test split are ignored; both counts are reported.',
  )
  .action(async (o: { dataset: string; model?: ModelName; models?: string; config?: string; recs?: string; split: SplitChoice; embeddings?: string; json?: string; writeRecs?: string; quiet?: boolean }) => {
    const chosen = [o.model !== undefined, o.models !== undefined, o.recs !== undefined].filter(Boolean).length;
    if (chosen !== 1) throw new InvalidArgumentError('give exactly one of --model, --models or --recs');
    if (o.config && !o.model) throw new InvalidArgumentError('--config goes with --model');
    const names: ModelName[] = o.model
      ? [o.model]
      : o.models === 'all'
        ? [...MODEL_NAMES]
        : (o.models ?? '').split(',').filter((x) => x.trim() !== '').map((x) => modelName(x.trim()));
    const dataset = loadDataset(o.dataset);
    const p = makeProtocol(dataset, await kernelOptions(names));
    const { train, cases, label } = casesFor(p, o.split);

    if (o.recs) {
      if (o.split !== 'test') throw new InvalidArgumentError('--recs is scored on the test split');
      if (!existsSync(o.recs)) throw new InputError(o.recs, 'not found');
      const text = readFileSync(o.recs, 'utf8');
      const parsed = parseRecsFile(text, o.recs, dataset.catalog, cases, Math.max(...p.cutoffs));
      const metrics = scoreLists(p, parsed.lists, cases.targets);
      out(`${o.recs} on the ${label}: ${cases.targets.length} test sessions; ${parsed.missingSessions} missing from the file (scored as empty lists); ${parsed.ignoredSessions} entries ignored (not test sessions)`);
      out(metricsTable([{ label: 'recs', metrics }], p.cutoffs));
      if (o.json) {
        writeJson(o.json, { sessions: cases.targets.length, metrics, missingSessions: parsed.missingSessions, ignoredSessions: parsed.ignoredSessions });
        info(`wrote ${o.json}`);
      }
      return;
    }

    if ((o.json || o.writeRecs) && names.length !== 1) throw new InvalidArgumentError('--json and --write-recs take one model: use --model');
    const emb = embeddingsFor(o.dataset, p, names, o.embeddings);
    out(`${label}: ${cases.targets.length} sessions${emb.label ? `; embeddings ${emb.label}` : ''}`);
    const rows: { label: string; metrics: MetricValues }[] = [];
    for (const name of names) {
      const chosenConfig = chooseConfig(o.dataset, name, o.config);
      const r = runWithBar(p, name, chosenConfig.config, train, cases, emb.vectors, Boolean(o.quiet));
      rows.push({ label: name, metrics: r.metrics });
      info(`${name}: config from ${chosenConfig.source}: ${JSON.stringify(chosenConfig.config)}; fit ${r.fitSeconds.toFixed(2)} s, predict ${r.predictSeconds.toFixed(2)} s`);
      if (o.json) {
        writeJson(o.json, { sessions: r.sessions, metrics: r.metrics, model: name, config: chosenConfig.config, split: o.split });
        info(`wrote ${o.json}`);
      }
      if (o.writeRecs) {
        writeJson(o.writeRecs, formatRecsFile(r.lists, cases, dataset.catalog));
        info(`wrote ${o.writeRecs}`);
      }
    }
    out(metricsTable(rows, p.cutoffs));
  });

program
  .command('tune')
  .description('grid-search a model on the 3 validation folds (mean NDCG@20) and record the best config')
  .requiredOption('--dataset <name>', 'dataset folder under data/', 'beauty')
  .requiredOption('--model <name>', `one of ${MODEL_NAMES.join(', ')}`, modelName)
  .option('--grid <file>', 'JSON array of partial configs (default: the built-in grid)')
  .option('--embeddings <name>', 'which embeddings in the manifest (default: the first)')
  .option('--top <n>', 'rows of the result table to print', positiveInt, 10)
  .option('--dry-run', 'print the ranking without recording the best config')
  .option('--selected-by <text>', 'how the grid was chosen, recorded with the config (e.g. "the paper\'s Beauty config")')
  .option('--quiet', 'no progress bar')
  .action(async (o: { dataset: string; model: ModelName; grid?: string; embeddings?: string; top: number; dryRun?: boolean; selectedBy?: string; quiet?: boolean }) => {
    const dataset = loadDataset(o.dataset);
    const p = makeProtocol(dataset, await kernelOptions([o.model]));
    const grid = o.grid ? readJsonFile(o.grid) : defaultGrid(o.model);
    if (!Array.isArray(grid) || grid.length === 0) throw new InputError(o.grid ?? 'grid', 'must be a non-empty JSON array of configs');
    const configs = grid.map((g, i) => resolveConfig(o.model, g, `${o.grid ?? 'built-in grid'}[${i}]`));
    const emb = embeddingsFor(o.dataset, p, [o.model], o.embeddings);
    const bar = progressBar(`tuning ${o.model} (${configs.length} configs)`, configs.length * p.folds.length, o.quiet);
    const scored: { config: object; metrics: MetricValues }[] = [];
    let done = 0;
    for (const config of configs) {
      const perFold = p.folds.map((f) => {
        const r = runModel(p, o.model, config, f.train, f.validation, emb.vectors);
        bar.update(++done);
        return r.metrics;
      });
      scored.push({ config, metrics: meanMetrics(perFold) });
    }
    bar.stop();
    scored.sort((a, b) => b.metrics['NDCG@20'] - a.metrics['NDCG@20']);
    out(`${o.model}: ${configs.length} configs x ${p.folds.length} validation folds, ranked by mean NDCG@20${emb.label ? `; embeddings ${emb.label}` : ''}`);
    out(
      formatTable(
        ['rank', 'NDCG@20', 'HitRate@20', 'NDCG@10', 'config'],
        scored.slice(0, o.top).map((s, i) => [String(i + 1), fmt(s.metrics['NDCG@20']), fmt(s.metrics['HitRate@20']), fmt(s.metrics['NDCG@10']), JSON.stringify(s.config)]),
      ),
    );
    if (!o.dryRun) {
      const best = scored[0];
      writeBestConfig(o.dataset, o.model, {
        config: best.config as Record<string, unknown>,
        selectedBy: `${o.selectedBy ? `${o.selectedBy}; ` : ''}best mean NDCG@20 over ${p.folds.length} validation folds of ${configs.length} config${configs.length > 1 ? 's' : ''}`,
        validation: best.metrics,
        candidates: configs.length,
      });
      out(`recorded the best config in ${relative(ROOT, bestConfigsPath(o.dataset))}`);
    }
  });

program
  .command('report')
  .description('evaluate models with their best-known configs on the test split and write public/models/<dataset>/eval.json')
  .requiredOption('--dataset <name>', 'dataset folder under data/', 'beauty')
  .option('--models <names>', 'comma-separated models (default: all)', 'all')
  .option('--embeddings <name>', 'which embeddings in the manifest (default: the first)')
  .option('--no-sequential', 'leave out the trained sequential models listed in the manifest')
  .option('--quiet', 'no progress bars')
  .action(async (o: { dataset: string; models: string; embeddings?: string; sequential: boolean; quiet?: boolean }) => {
    const names = o.models === 'all' ? [...MODEL_NAMES] : o.models.split(',').map((x) => modelName(x.trim()));
    const dataset = loadDataset(o.dataset);
    const p = makeProtocol(dataset, await kernelOptions(names));
    const emb = embeddingsFor(o.dataset, p, names, o.embeddings);
    const results: ModelResult[] = [];
    for (const name of names) {
      const c = chooseConfig(o.dataset, name);
      const r = runWithBar(p, name, c.config, p.split.train, p.split.test, emb.vectors, Boolean(o.quiet));
      results.push({
        model: name,
        config: c.config as Record<string, unknown>,
        configSource: c.source,
        sessions: r.sessions,
        metrics: r.metrics,
        fitSeconds: r.fitSeconds,
        predictSeconds: r.predictSeconds,
        ...(c.validation ? { validation: { 'NDCG@20': c.validation['NDCG@20'] } } : {}),
      });
    }
    const seqModels = o.sequential ? (readManifest(o.dataset)?.sequentialModels ?? []) : [];
    if (seqModels.length > 0) {
      await initTfjs();
      const { loadSeqModel, readTrainLog, seqModelResult } = await import('./seq-artifacts.js');
      const { seqRecommender } = await import('../neural/recommender.js');
      for (const entry of seqModels) {
        info(`${entry.name}: scoring the shipped ${entry.weightsDtype} weights`);
        const rec = seqRecommender(loadSeqModel(o.dataset, entry, dataset.catalog.ids.length), entry.name, {});
        results.push(seqModelResult(entry, rec, readTrainLog(o.dataset, entry), p));
        rec.dispose?.();
      }
    }
    const s = p.split.stats;
    const report: EvalReport = EvalReportSchema.parse({
      dataset: o.dataset,
      createdAt: new Date().toISOString(),
      protocol: { split: 'temporal, newest 20% of sessions by last timestamp; untrained test items removed; last item withheld', testFraction: 0.2, cutoffs: [...p.cutoffs], ...(emb.label ? { embeddings: emb.label } : {}) },
      split: {
        sessions: dataset.sessions.ids.length,
        items: dataset.catalog.ids.length,
        interactions: dataset.sessions.items.length,
        trainSessions: s.trainSessions,
        testSessions: s.testSessions,
        testCases: s.testCases,
      },
      results,
    });
    const manifest = readManifest(o.dataset) ?? writeCatalogArtifacts(o.dataset, dataset.catalog);
    const ref = writeArtifact(o.dataset, 'eval.json', new TextEncoder().encode(`${JSON.stringify(report, null, 2)}\n`));
    writeManifest({ ...manifest, evaluation: ref });
    out(`test split: ${s.testCases} sessions`);
    out(metricsTable(results.map((r) => ({ label: r.model, metrics: r.metrics })), p.cutoffs));
    out(`wrote ${relative(ROOT, join(MODELS_DIR, o.dataset, 'eval.json'))}`);
  });

program
  .command('train')
  .description('train a sequential model (BERT4Rec, SASRec and their LLM-initialised twins) with early stopping on inner validation')
  .requiredOption('--dataset <name>', 'dataset folder under data/', 'beauty')
  .requiredOption('--model <name>', 'bert4rec, llm2bert4rec, sasrec, llm2sasrec, gru4rec, llm2gru4rec, or llmseqprompt (the local LLMSeqPrompt language model)')
  .option('--config <file>', 'JSON config (partial; merged over the model\'s defaults)')
  .option('--epochs <n>', 'at most this many epochs', positiveInt)
  .option('--permute', 'control run: shuffle the LLM embeddings across items before initialising')
  .option('--name <name>', 'artifact folder under public/models/<dataset>/ (default: the model name, "-permuted" for --permute)')
  .option('--embeddings <name>', 'which embeddings in the manifest (default: the first)')
  .option('--resume', 'continue from the last finished epoch of an interrupted run (same config)')
  .option('--no-ship', 'do not list the model in the manifest (an experiment): its log goes to bench/results/train-<name>.json (always so with --permute)')
  .option('--precision <dtype>', 'weights file precision: uint8 (a quarter of float32\'s bytes; per-tensor affine), float16 (half) or float32', precisionChoice, 'uint8' as WeightsPrecision)
  .option('--quiet', 'no progress bar')
  .option('--eval-limit <n>', 'llmseqprompt: evaluate on the first n test sessions only', positiveInt)
  .addHelpText('after', '\nEvery finished epoch is checkpointed under .cache/train/<dataset>/<name>/.\nAt the end writes public/models/<dataset>/<name>/model.json + weights.bin (the best epoch) and train-log.json\n(config, per-epoch loss and validation NDCG@20, times, test metrics of the shipped weights), and lists the model in manifest.json.')
  .action(async (o: { dataset: string; model: string; config?: string; epochs?: number; permute?: boolean; name?: string; embeddings?: string; resume?: boolean; ship: boolean; precision: WeightsPrecision; quiet?: boolean; evalLimit?: number }) => {
    if (o.model === 'llmseqprompt') return trainLlmSeqPromptCli(o); // --resume: a warm start from the shipped weights
    const { isSeqModelName, SEQ_PRESETS, SEQ_MODEL_NAMES, SEQ_LABELS, SeqTrainConfig, llmItemInit, popularityBias } = await import('../neural/presets.js');
    const { SeqModel } = await import('../neural/model.js');
    const { trainSeqModel } = await import('../neural/train.js');
    const { serializeModel, deserializeModel } = await import('../neural/io.js');
    const { seqRecommender } = await import('../neural/recommender.js');
    const { loadCheckpoint, saveCheckpoint } = await import('./train-checkpoint.js');
    const { recommendAll } = await import('../recommenders/types.js');
    if (!isSeqModelName(o.model)) throw new InvalidArgumentError(`unknown sequential model "${o.model}" (models: ${SEQ_MODEL_NAMES.join(', ')})`);
    const fromFile = o.config ? readJsonFile(o.config) : {};
    const merged = { ...SEQ_PRESETS[o.model], ...(fromFile as object), ...(o.epochs ? { epochs: o.epochs } : {}), ...(o.permute ? { permuteEmbeddings: true } : {}) };
    const parsed = SeqTrainConfig.safeParse(merged);
    if (!parsed.success) throw new InputError(o.config ?? 'config', `invalid config: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
    const cfg = parsed.data;
    const name = o.name ?? `${o.model}${cfg.permuteEmbeddings ? '-permuted' : ''}`;
    info(`tfjs backend: ${await initTfjs()}`);
    const { registerGradients } = await import('./tfjs-setup.js');
    await registerGradients();
    const dataset = loadDataset(o.dataset);
    const p = makeProtocol(dataset);
    const nItems = dataset.catalog.ids.length;
    let init: Float32Array | undefined;
    let embName: string | undefined;
    if (cfg.llmInit !== 'none') {
      const e = loadEmbeddings(o.dataset, dataset.catalog, o.embeddings);
      embName = e.entry.name;
      init = llmItemInit(e.vectors, cfg.dim, cfg.llmInit, cfg.permuteEmbeddings, cfg.seed).data;
      info(`item table initialised from ${e.entry.name} (${cfg.llmInit}${cfg.permuteEmbeddings ? ', permuted across items' : ''})`);
    }
    const model = new SeqModel(
      { arch: cfg.arch, nItems, maxLen: cfg.maxLen, dim: cfg.dim, layers: cfg.layers, heads: cfg.heads, dropout: cfg.dropout, seed: cfg.seed, hidden: cfg.hidden },
      undefined,
      { items: init, itemBias: cfg.biasInit === 'popularity' ? popularityBias(p.split.train, nItems) : undefined },
    );
    const cpDir = join(ROOT, '.cache', 'train', o.dataset, name);
    const resume = o.resume ? loadCheckpoint(cpDir, cfg) : null;
    if (o.resume) info(resume ? `resuming after epoch ${resume.epoch} from ${relative(ROOT, cpDir)}` : `no checkpoint in ${relative(ROOT, cpDir)}: starting from scratch`);
    out(`training ${name} on ${p.split.stats.trainSessions} sessions: ${JSON.stringify(cfg)}`);
    let bar = progressBar(`${name} epoch 1`, 1, o.quiet);
    let lastVal = '';
    let bestVal = Math.max(0, ...(resume?.history ?? []).map((h) => h.valNdcg20));
    const result = await trainSeqModel(
      model,
      p.split.train,
      { epochs: cfg.epochs, batchSize: cfg.batchSize, lr: cfg.lr, weightDecay: cfg.weightDecay, clipNorm: cfg.clipNorm, maskProb: cfg.maskProb, patience: cfg.patience, valMax: cfg.valMax, seed: cfg.seed },
      {
        onBatch: (epoch, b, n, loss) => {
          if (b === 1) {
            bar.stop();
            bar = progressBar(`${name} epoch ${epoch}`, n, o.quiet);
          }
          bar.update(b, undefined, `loss ${loss.toFixed(4)}${lastVal}`);
        },
        onEpoch: (log, improved) => {
          bar.stop();
          bestVal = Math.max(bestVal, log.valNdcg20);
          lastVal = `; validation NDCG@20 after epoch ${log.epoch} ${log.valNdcg20.toFixed(4)} (best ${bestVal.toFixed(4)})`;
          out(`epoch ${log.epoch}: loss ${log.loss.toFixed(4)}, validation NDCG@20 ${log.valNdcg20.toFixed(4)}, ${log.seconds.toFixed(0)} s${improved ? ' (best so far)' : ''}`);
        },
        onCheckpoint: (cp) => saveCheckpoint(cpDir, cfg, cp),
      },
      resume ?? undefined,
    );
    // The shipped file is what gets evaluated: the best epoch's weights at the chosen precision.
    const fullMetrics = scoreLists(p, recommendAll(seqRecommender(model, name, cfg), p.split.test, Math.max(...p.cutoffs)), p.split.test.targets);
    const { json, weights } = await serializeModel(model, o.precision);
    model.dispose();
    const shipped = deserializeModel(JSON.stringify(json), weights);
    const rec = seqRecommender(shipped, name, cfg);
    const t0 = performance.now();
    const metrics = scoreLists(p, recommendAll(rec, p.split.test, Math.max(...p.cutoffs)), p.split.test.targets);
    const predictSeconds = (performance.now() - t0) / 1000;
    rec.dispose?.();
    const trainLog = {
      model: name,
      config: cfg,
      bestEpoch: result.bestEpoch,
      bestValNdcg20: result.bestValNdcg20,
      trainSeconds: result.seconds,
      history: result.history,
      weights: { dtype: o.precision, bytes: weights.byteLength },
      test: { sessions: p.split.test.targets.length, metrics, predictSeconds, ...(o.precision !== 'float32' ? { float32Metrics: fullMetrics } : {}) },
    };
    const logBytes = new TextEncoder().encode(`${JSON.stringify(trainLog, null, 2)}\n`);
    out(`best epoch ${result.bestEpoch} (validation NDCG@20 ${result.bestValNdcg20.toFixed(4)}), ${(result.seconds / 60).toFixed(1)} min`);
    out(metricsTable([{ label: `${name} (${o.precision} weights)`, metrics }, ...(o.precision !== 'float32' ? [{ label: `${name} (float32)`, metrics: fullMetrics }] : [])], p.cutoffs));
    if (!o.ship || cfg.permuteEmbeddings) {
      // Experiments and controls: the record goes to bench/results, the model stays out of the app.
      const logPath = join(ROOT, 'bench', 'results', `train-${name}.json`);
      mkdirSync(dirname(logPath), { recursive: true });
      writeFileSync(logPath, logBytes);
      writeFileSync(join(cpDir, 'model.json'), `${JSON.stringify(json)}\n`);
      writeFileSync(join(cpDir, 'weights.bin'), weights);
      out(`wrote ${relative(ROOT, logPath)}; the model (not listed in the manifest) is in ${relative(ROOT, cpDir)}`);
      return;
    }
    const modelRef = writeArtifact(o.dataset, `${name}/model.json`, new TextEncoder().encode(`${JSON.stringify(json)}\n`));
    const weightsRef = writeArtifact(o.dataset, `${name}/weights.bin`, weights);
    const logRef = writeArtifact(o.dataset, `${name}/train-log.json`, logBytes);
    const manifest = readManifest(o.dataset) ?? writeCatalogArtifacts(o.dataset, dataset.catalog);
    const entry: SeqModelEntry = {
      name,
      label: SEQ_LABELS[o.model],
      arch: cfg.arch,
      itemInit: cfg.llmInit === 'none' ? 'random' : cfg.llmInit === 'pca' ? 'pca' : 'random-projection',
      ...(embName ? { embeddings: embName } : {}),
      nItems,
      weightsDtype: o.precision,
      model: modelRef,
      weights: weightsRef,
      trainLog: logRef,
    };
    // Listed in the presets' order (the app shows them so), other names after.
    const rank = (m: SeqModelEntry) => (isSeqModelName(m.name) ? SEQ_MODEL_NAMES.indexOf(m.name) : SEQ_MODEL_NAMES.length);
    const listed = [...(manifest.sequentialModels ?? []).filter((m) => m.name !== name), entry].sort((a, b) => rank(a) - rank(b));
    writeManifest({ ...manifest, sequentialModels: listed });
    out(`wrote ${relative(ROOT, join(MODELS_DIR, o.dataset, name))}/model.json, weights.bin (${weights.byteLength} bytes, ${o.precision}), train-log.json; updated manifest.json`);
  });

program
  .command('models')
  .description('list the models and their default configs')
  .action(() => {
    for (const name of MODEL_NAMES) {
      out(`${name.padEnd(12)} ${MODELS[name].description}${MODELS[name].needsEmbeddings ? ' [needs embeddings]' : ''}`);
      out(`${' '.repeat(13)}defaults: ${JSON.stringify(MODELS[name].defaults)}`);
    }
  });

registerPromptCommands(program);

program.parseAsync(process.argv).catch((e: unknown) => {
  const err = e as Error;
  if (err instanceof InputError || err instanceof InvalidArgumentError || err instanceof RangeError) {
    process.stderr.write(`error: ${err.message}\n`);
  } else {
    process.stderr.write(`error: ${err.message ?? String(e)}\n`);
    if (process.env.DEBUG) process.stderr.write(`${err.stack ?? ''}\n`);
  }
  process.exitCode = 1;
});
