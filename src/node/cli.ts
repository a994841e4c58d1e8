import { join, relative, resolve } from 'node:path';
import { Command, InvalidArgumentError, Option } from 'commander';
import { InputError } from '../core/errors.js';
import type { MetricValues } from '../core/metrics/metrics.js';
import { makeProtocol, type Protocol, scoreLists } from '../evaluation/protocol.js';
import { formatRecsFile, parseRecsFile } from '../evaluation/recs-file.js';
import type { WeightsPrecision } from '../neural/io.js';
import { CATALOGUE, MODEL_NAMES, modelEntry } from '../recommenders/catalogue.js';
import { writeCatalogArtifacts } from './artifacts.js';
import { loadDataset } from './dataset-files.js';
import { datasetDir, DEFAULT_LANCEDB_URI, MODELS_DIR, ROOT } from './paths.js';
import { casesFor, type SplitChoice } from './pipelines/context.js';
import { evaluateJson, evaluateModels } from './pipelines/evaluate.js';
import { recommendSession } from './pipelines/recommend.js';
import { servableModels, writeReport } from './pipelines/report.js';
import { availableCores } from './gradient-peer.js';
import { trainModel } from './pipelines/train.js';
import { tuneModel } from './pipelines/tune.js';
import { type Progress, progressBar } from './progress.js';
import { registerPromptCommands, trainLlmSeqPromptCli } from './prompt-cli.js';
import { bootstrapTimes, formatUncertainty, uncertaintyFor } from './uncertainty-report.js';
import { sessionScores } from '../evaluation/uncertainty.js';
import { fmt, formatTable } from './table.js';
import { writeFileAtomic } from './atomic-write.js';
import { readUtf8File } from './json-file.js';
import { escapeControl } from '../core/text.js';
import type { IndexOptions } from './vector-index.js';
import { readBestConfig } from './configs.js';

/**
 * The command line: it parses options, calls the pipelines (src/node/pipelines/) and prints.
 * Every model of the catalogue works with every command that applies to it.
 */

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

function modelName(v: string): string {
  try {
    return modelEntry(v).name;
  } catch (e) {
    throw new InvalidArgumentError((e as Error).message);
  }
}

function splitChoice(v: string): SplitChoice {
  if (v === 'test' || v === 'cold') return v;
  const n = Number(v);
  if (n === 1 || n === 2 || n === 3) return n;
  throw new InvalidArgumentError('must be "test", "cold" or a validation fold 1, 2 or 3');
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
    `${p.splitDescription}: ${s.trainSessions} train sessions, ${s.testSessions} test sessions -> ` +
      `${s.testCases} test cases (${s.removedTestInteractions} interactions with untrained items removed, ${s.droppedTestSessions} sessions dropped)`,
  );
  if (p.splitRule.kind === 'position') out(`  validation folds: the same rule inside train (seeded random quarters of the train sessions, forward-chained)`);
  for (const f of p.folds) {
    out(`  validation fold ${f.index}: ${f.stats.trainSessions} train sessions, ${f.stats.testSessions} held out -> ${f.stats.testCases} cases`);
  }
}

function writeJson(path: string, value: unknown): void {
  writeFileAtomic(resolve(path), `${JSON.stringify(value, null, 2)}\n`);
}

/** One progress bar per model while a pipeline scores several. */
function modelBars(quiet: boolean) {
  let current: { model: string; bar: Progress } | null = null;
  return {
    update(model: string, done: number, total: number) {
      if (current?.model !== model) {
        current?.bar.stop();
        current = { model, bar: progressBar(model, total, quiet) };
      }
      current.bar.update(done, total);
    },
    stop() {
      current?.bar.stop();
      current = null;
    },
  };
}

function parseModels(v: string | undefined): string[] {
  return (v ?? '').split(',').map((x) => x.trim()).filter((x) => x !== '').map(modelName);
}

const program = new Command();
program
  .name('npm run cli --')
  .description("LLM-embedding sequential recommenders (Harte et al. RecSys'23): data, embeddings, training, evaluation.")
  .showHelpAfterError();

program
  .command('prepare')
  .description('load a dataset (or import your own with --from), check it, print the split statistics and write its catalog artifact')
  .requiredOption('--dataset <name>', 'dataset folder under data/', 'beauty')
  .option('--from <dir>', 'import DIR into data/<name>/ first: items.csv + interactions.csv, or RecBole atomic files <name>.item + <name>.inter')
  .option('--title-field <field>', 'RecBole: the .item field holding the title (default: the first text field named like a title or name)')
  .addHelpText(
    'after',
    '\nCSV: items.csv (item_id, title; other columns kept as text fields) and interactions.csv (session_id, item_id,\n' +
      'and timestamp or position). Without timestamps, a seeded random 20% of sessions is the test split.',
  )
  .action(async (o: { dataset: string; from?: string; titleField?: string }) => {
    if (o.titleField !== undefined && o.from === undefined) throw new InvalidArgumentError('--title-field goes with --from');
    if (o.from !== undefined) {
      const { importDataset } = await import('./import-dataset.js');
      const r = importDataset(o.dataset, resolve(o.from), { titleField: o.titleField });
      out(
        `imported ${o.from} (${r.format === 'csv' ? 'items.csv + interactions.csv' : 'RecBole atomic files'}): ${r.items} items, ${r.sessions} sessions, ` +
          `${r.interactions} interactions, ordered by ${r.order}; title from "${r.titleField}"` +
          `${r.extraFields.length ? `; kept fields ${r.extraFields.join(', ')}` : ''}` +
          `${r.renumbered.items ? '; item ids renumbered (source ids kept as source_id)' : ''}${r.renumbered.sessions ? '; session ids renumbered' : ''}`,
      );
      out(`wrote ${relative(ROOT, join(datasetDir(o.dataset), 'items.csv.gz'))}, ${relative(ROOT, join(datasetDir(o.dataset), 'interactions.csv.gz'))}`);
    }
    const dataset = loadDataset(o.dataset);
    const p = makeProtocol(dataset);
    printSplitStats(p);
    const m = writeCatalogArtifacts(o.dataset, dataset.catalog, { train: p.split.train, test: p.split.test });
    out(`wrote ${[m.catalog.file, m.sessions?.file, 'manifest.json'].filter(Boolean).map((f) => relative(ROOT, join(MODELS_DIR, o.dataset, f!))).join(', ')}`);
  });

program
  .command('reduce')
  .description("reduce a dataset's item embeddings with an autoencoder (tfjs) into another embeddings entry, <from>-ae<dims>")
  .requiredOption('--dataset <name>', 'dataset folder under data/', 'beauty')
  .option('--from <name>', 'embeddings in the manifest to reduce (default: the first)')
  .requiredOption('--dims <n>', 'code width', positiveInt)
  .addOption(new Option('--dtype <dtype>', 'stored precision').choices(['float32', 'float16', 'int8']).default('int8'))
  .option('--epochs <n>', 'autoencoder epochs', positiveInt)
  .option('--seed <n>', 'initialisation and batch order', positiveInt)
  .action(async (o: { dataset: string; from?: string; dims: number; dtype: 'float32' | 'float16' | 'int8'; epochs?: number; seed?: number }) => {
    const { reduceEmbeddings } = await import('./reduce.js');
    await reduceEmbeddings(o.dataset, {
      dims: o.dims,
      dtype: o.dtype,
      ...(o.from ? { from: o.from } : {}),
      autoencoder: { ...(o.epochs ? { epochs: o.epochs } : {}), ...(o.seed ? { seed: o.seed } : {}) },
      log: out,
    });
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
  .option('--models <names>', 'several models, comma-separated (or "all": every model the dataset can serve)')
  .option('--config <file>', 'JSON config for --model (partial; merged over the defaults)')
  .option('--recs <file>', 'score an external recommendation file {"<session_id>": [item_id, ...]}')
  .option('--split <split>', 'test, cold (test sessions whose last item is untrained), or validation fold 1, 2 or 3', splitChoice, 'test' as SplitChoice)
  .option('--embeddings <name>', 'which embeddings in the manifest (default: the first)')
  .option('--json <out>', 'write {"sessions": n, "metrics": {...}, "ci": {...}} (one model or --recs)')
  .option('--baseline <name>', 'paired test of each model against this one (evaluated too; its result goes under "baseline" in --json)', modelName)
  .option('--write-recs <out>', 'write the model\'s top-20 lists as {"<session_id>": [item_id, ...]} (one model)')
  .option('--quiet', 'no progress bars')
  .addHelpText(
    'after',
    '\nWith no --config, a model runs with the best configuration known for the dataset (configs/<dataset>.json,\n' +
      'chosen by `tune` on validation), or its defaults; a trained model with the config it was trained with.\n' +
      'External lists are scored as given (cut to k, not filtered); test sessions missing from the file count as\n' +
      'empty lists, sessions not in the test split are ignored; both counts are reported.',
  )
  .action(async (o: { dataset: string; model?: string; models?: string; config?: string; recs?: string; split: SplitChoice; embeddings?: string; json?: string; writeRecs?: string; baseline?: string; quiet?: boolean }) => {
    const chosen = [o.model !== undefined, o.models !== undefined, o.recs !== undefined].filter(Boolean).length;
    if (chosen !== 1) throw new InvalidArgumentError('give exactly one of --model, --models or --recs');
    if (o.config && !o.model) throw new InvalidArgumentError('--config goes with --model');
    if (o.recs) {
      if (o.baseline) throw new InvalidArgumentError('--baseline compares models: it does not go with --recs');
      if (o.split !== 'test') throw new InvalidArgumentError('--recs is scored on the test split');
      const dataset = loadDataset(o.dataset);
      const p = makeProtocol(dataset);
      const { cases, label } = casesFor(p, 'test');
      const parsed = parseRecsFile(readUtf8File(o.recs), o.recs, dataset.catalog, cases, Math.max(...p.cutoffs));
      const metrics = scoreLists(p, parsed.lists, cases.targets);
      const recsRows = [{ model: 'recs', metrics, scores: sessionScores(p, parsed.lists, cases.targets) }];
      const u = uncertaintyFor(recsRows);
      out(`${o.recs} on the ${label}: ${cases.targets.length} test sessions; ${parsed.missingSessions} missing from the file (scored as empty lists); ${parsed.ignoredSessions} entries ignored (not test sessions)`);
      out(metricsTable([{ label: 'recs', metrics }], p.cutoffs));
      out(formatUncertainty(recsRows, u, Math.max(...p.cutoffs)));
      if (o.json) {
        writeJson(o.json, { sessions: cases.targets.length, metrics, ci: u.ci.recs, missingSessions: parsed.missingSessions, ignoredSessions: parsed.ignoredSessions });
        info(`wrote ${o.json}`);
      }
      return;
    }
    const names = o.model ? [o.model] : o.models === 'all' ? await servableModels(o.dataset) : parseModels(o.models);
    if ((o.json || o.writeRecs) && names.length !== 1) throw new InvalidArgumentError('--json and --write-recs take one model: use --model');
    const bars = modelBars(Boolean(o.quiet));
    const r = await evaluateModels({ dataset: o.dataset, models: names, split: o.split, configFile: o.config, embeddings: o.embeddings, baseline: o.baseline, onProgress: bars.update }).finally(() => bars.stop());
    for (const n of r.workspace.notes) info(n);
    if (r.workspace.backend) info(`tfjs backend: ${r.workspace.backend}`);
    out(`${r.label}: ${r.cases.targets.length} sessions${r.workspace.embeddingsLabel ? `; embeddings ${r.workspace.embeddingsLabel}` : ''}`);
    for (const run of r.runs) {
      info(`${run.model}: config from ${run.configSource}: ${JSON.stringify(run.config)}; fit ${run.fitSeconds.toFixed(2)} s, predict ${run.predictSeconds.toFixed(2)} s`);
    }
    if (o.json) {
      writeJson(o.json, evaluateJson(r, o.split, o.baseline));
      info(`wrote ${o.json}`);
    }
    if (o.writeRecs) {
      writeJson(o.writeRecs, formatRecsFile(r.runs[0].lists, r.cases, r.workspace.dataset.catalog));
      info(`wrote ${o.writeRecs}`);
    }
    out(metricsTable(r.runs.map((x) => ({ label: x.model, metrics: x.metrics })), r.workspace.protocol.cutoffs));
    out();
    out(formatUncertainty(r.runs, r.uncertainty, Math.max(...r.workspace.protocol.cutoffs)));
    info(bootstrapTimes(r.uncertainty));
  });

program
  .command('recommend')
  .description('top-k for one session given in the dataset\'s own item ids, with titles, scores and "because you added X"')
  .requiredOption('--dataset <name>', 'dataset folder under data/', 'beauty')
  .requiredOption('--model <name>', `a model: ${MODEL_NAMES.join(', ')}`, modelName)
  .requiredOption('--items <ids>', 'the session: item ids in order, comma-separated')
  .option('--k <n>', 'how many', positiveInt, 20)
  .option('--json', 'print JSON instead of a table')
  .action(async (o: { dataset: string; model: string; items: string; k: number; json?: boolean }) => {
    const r = await recommendSession({ dataset: o.dataset, model: o.model, items: o.items.split(','), k: o.k });
    if (o.json) {
      out(JSON.stringify(r, null, 2));
      return;
    }
    info(`${r.model}: config from ${r.configSource}`);
    out(
      formatTable(
        ['rank', 'item id', 'score', 'title', 'because you added'],
        r.items.map((x, i) => [String(i + 1), String(x.id), fmt(x.score), x.title, x.because ? `${x.because.id} ${x.because.title}` : '-']),
      ),
    );
  });

program
  .command('tune')
  .description('grid-search a model on validation (the 3 folds, or a trained model\'s inner validation set) and record the best config')
  .requiredOption('--dataset <name>', 'dataset folder under data/', 'beauty')
  .requiredOption('--model <name>', `one of ${CATALOGUE.filter((m) => m.tuning.on !== 'none').map((m) => m.name).join(', ')}`, modelName)
  .option('--grid <file>', 'JSON array of partial configs (default: the built-in grid)')
  .option('--embeddings <name>', 'which embeddings in the manifest (default: the first)')
  .option('--top <n>', 'rows of the result table to print', positiveInt, 10)
  .option('--dry-run', 'print the ranking without recording the best config')
  .option('--selected-by <text>', 'how the grid was chosen, recorded with the config (e.g. "the paper\'s Beauty config")')
  .option('--quiet', 'no progress bar')
  .action(async (o: { dataset: string; model: string; grid?: string; embeddings?: string; top: number; dryRun?: boolean; selectedBy?: string; quiet?: boolean }) => {
    let bar: Progress | null = null;
    const r = await tuneModel({
      dataset: o.dataset,
      model: o.model,
      gridFile: o.grid,
      embeddings: o.embeddings,
      dryRun: o.dryRun,
      selectedBy: o.selectedBy,
      onProgress: (done, total) => {
        bar ??= progressBar(`tuning ${o.model}`, total, o.quiet);
        bar.update(done, total);
      },
    }).finally(() => bar?.stop());
    out(`${o.model}: ${r.ranked.length} configs on ${r.on}, ranked by mean NDCG@20${r.embeddingsLabel ? `; embeddings ${r.embeddingsLabel}` : ''}`);
    out(
      formatTable(
        ['rank', 'NDCG@20', 'HitRate@20', 'NDCG@10', 'config'],
        r.ranked.slice(0, o.top).map((s, i) => [String(i + 1), fmt(s.metrics['NDCG@20']), fmt(s.metrics['HitRate@20']), fmt(s.metrics['NDCG@10']), JSON.stringify(s.config)]),
      ),
    );
    if (r.recorded) out(`recorded the best config in configs/${o.dataset}.json`);
  });

program
  .command('report')
  .description('evaluate models with their best-known configs on the test split and write public/models/<dataset>/eval.json')
  .requiredOption('--dataset <name>', 'dataset folder under data/', 'beauty')
  .option('--models <names>', 'comma-separated models (default: every model the dataset can serve)', 'all')
  .option('--embeddings <name>', 'which embeddings in the manifest (default: the first)')
  .option('--no-sequential', 'leave out the trained models (and hybrids over them)')
  .option('--baseline <name>', 'paired test of each model against this one (a model in the report)', modelName)
  .option('--quiet', 'no progress bars')
  .action(async (o: { dataset: string; models: string; embeddings?: string; sequential: boolean; baseline?: string; quiet?: boolean }) => {
    let models = o.models === 'all' ? await servableModels(o.dataset) : parseModels(o.models);
    if (!o.sequential) models = models.filter((m) => !modelEntry(m).needs.includes('weights'));
    const bars = modelBars(Boolean(o.quiet));
    const r = await writeReport({ dataset: o.dataset, models, embeddings: o.embeddings, baseline: o.baseline, onProgress: bars.update }).finally(() => bars.stop());
    out(`test split: ${r.report.split.testCases} sessions`);
    out(metricsTable(r.runs.map((x) => ({ label: x.model, metrics: x.metrics })), r.report.protocol.cutoffs));
    out();
    out(formatUncertainty(r.runs, r.uncertainty, Math.max(...r.report.protocol.cutoffs)));
    info(bootstrapTimes(r.uncertainty));
    out(`wrote ${relative(ROOT, join(MODELS_DIR, o.dataset, r.file))}`);
  });

program
  .command('train')
  .description('train a sequential model (BERT4Rec, SASRec, GRU4Rec and their LLM-initialised twins), fine-tune the embedder (llmseqsim-ft) or train the local LLMSeqPrompt language model, with early stopping on inner validation')
  .requiredOption('--dataset <name>', 'dataset folder under data/', 'beauty')
  .requiredOption('--model <name>', CATALOGUE.filter((m) => m.trainer).map((m) => m.name).join(', '), modelName)
  .option('--config <file>', 'JSON config (partial; merged over the model\'s defaults)')
  .option('--epochs <n>', 'at most this many epochs', positiveInt)
  .option('--permute', 'control run: shuffle the LLM embeddings across items before initialising')
  .option('--name <name>', 'artifact folder under public/models/<dataset>/ (default: the model name, "-permuted" for --permute)')
  .option('--embeddings <name>', 'which embeddings in the manifest (default: the first)')
  .option('--resume', 'continue from the last finished epoch of an interrupted run (same config)')
  .option('--no-ship', 'do not list the model in the manifest (an experiment): its log goes to bench/results/train-<name>.json (always so with --permute)')
  .option('--precision <dtype>', 'weights file precision: uint8 (a quarter of float32\'s bytes; per-tensor affine), float16 (half) or float32', precisionChoice, 'uint8' as WeightsPrecision)
  .option('--quiet', 'no progress bar')
  .option('--threads <n>', `sequential models: threads computing each batch, data-parallel (default 1; this machine has ${availableCores()} cores). Deterministic per count; counts differ in rounding and dropout draws`, positiveInt)
  .option('--eval-limit <n>', 'llmseqprompt: evaluate on the first n test sessions only', positiveInt)
  .option('--val-seed <n>', "llmseqsim-ft: hold out the sequential models' inner validation sessions of this seed instead of the newest 10%, so an LLM2* model started from the vectors (--embeddings <base>-ft-<dataset>-val<n>) validates on sessions the embedder never saw; written as that name", positiveInt)
  .addHelpText('after', '\nEvery finished epoch is checkpointed under .cache/train/<dataset>/<name>/.\nAt the end writes public/models/<dataset>/<name>/model.json + weights.bin (the best epoch) and train-log.json\n(config, per-epoch loss and validation NDCG@20, times, test metrics of the shipped weights), and lists the model in manifest.json.')
  .action(async (o: { dataset: string; model: string; config?: string; epochs?: number; permute?: boolean; name?: string; embeddings?: string; resume?: boolean; ship: boolean; precision: WeightsPrecision; quiet?: boolean; evalLimit?: number; threads?: number; valSeed?: number }) => {
    const trainer = modelEntry(o.model).trainer;
    if (!trainer) throw new InvalidArgumentError(`${o.model} is not trained (models that train: ${CATALOGUE.filter((m) => m.trainer).map((m) => m.name).join(', ')})`);
    if (o.valSeed !== undefined && trainer !== 'embedder') throw new InvalidArgumentError('--val-seed is for --model llmseqsim-ft (the sequential models draw their inner validation from their config\'s seed)');
    if (trainer === 'prompt-lm') return trainLlmSeqPromptCli(o); // --resume: a warm start from the shipped weights
    if (trainer === 'embedder') {
      const { trainEmbedderCommand } = await import('./train-embedder.js');
      const { readJsonFile } = await import('./json-file.js');
      return trainEmbedderCommand({ dataset: o.dataset, config: o.config ? readJsonFile(o.config) : {}, configFile: o.config, epochs: o.epochs, valSeed: o.valSeed, quiet: o.quiet, out, info });
    }
    let bar: Progress = progressBar('training', 1, true);
    let lastVal = '';
    const r = await trainModel(
      { dataset: o.dataset, model: o.model, configFile: o.config, epochs: o.epochs, permute: o.permute, name: o.name, embeddings: o.embeddings, resume: o.resume, ship: o.ship, precision: o.precision, threads: o.threads },
      {
        line: out,
        info,
        onBatch: (name, epoch, b, n, loss) => {
          if (b === 1) {
            bar.stop();
            bar = progressBar(`${name} epoch ${epoch}`, n, o.quiet);
          }
          bar.update(b, undefined, `loss ${loss.toFixed(4)}${lastVal}`);
        },
        onEpoch: (log, improved, best) => {
          bar.stop();
          lastVal = `; validation NDCG@20 after epoch ${log.epoch} ${log.valNdcg20.toFixed(4)} (best ${best.toFixed(4)})`;
          out(`epoch ${log.epoch}: loss ${log.loss.toFixed(4)}, validation NDCG@20 ${log.valNdcg20.toFixed(4)}, ${log.seconds.toFixed(0)} s${improved ? ' (best so far)' : ''}`);
        },
      },
    );
    out(`best epoch ${r.result.bestEpoch} (validation NDCG@20 ${r.result.bestValNdcg20.toFixed(4)}), ${(r.result.seconds / 60).toFixed(1)} min`);
    out(metricsTable([{ label: `${r.name} (${o.precision} weights)`, metrics: r.metrics }, ...(r.float32Metrics ? [{ label: `${r.name} (float32)`, metrics: r.float32Metrics }] : [])], [10, 20]));
    out(`wrote ${r.written}`);
  });

/**
 * The index's distance that matches how the dataset's LLMSeqSim compares a session with items
 * (its tuned config in configs/<dataset>.json; the app's query is LLMSeqSim's session vector):
 * cosine -> cosine, dot -> dot, euclidean -> l2; dot when the dataset has no tuned config.
 */
function llmSeqSimMetric(dataset: string): IndexOptions['metric'] {
  const similarity = (readBestConfig(dataset, 'llmseqsim')?.config as { similarity?: string } | undefined)?.similarity;
  return similarity === 'cosine' ? 'cosine' : similarity === 'euclidean' ? 'l2' : 'dot';
}

program
  .command('index')
  .description("write a dataset's item vectors to LanceDB with an ANN index (see src/node/vector-index.ts)")
  .requiredOption('--dataset <name>', 'dataset folder under data/', 'beauty')
  .option('--uri <uri>', 'LanceDB folder, s3://... / gs://... (LANCEDB_STORAGE_OPTIONS) or db://... (LANCEDB_API_KEY)', DEFAULT_LANCEDB_URI)
  .option('--table <name>', 'table name (default: the dataset name)')
  .option('--embeddings <name>', 'embeddings in the manifest (default: the first)')
  .addOption(new Option('--kind <kind>', 'ANN index').choices(['ivf_pq', 'ivf_hnsw_sq', 'ivf_flat']).default('ivf_pq'))
  .addOption(new Option('--metric <metric>', "distance (default: the dataset's tuned LLMSeqSim similarity, see configs/<dataset>.json)").choices(['dot', 'cosine', 'l2']))
  .option('--partitions <n>', 'IVF partitions (default ~sqrt(rows))', positiveInt)
  .action(async (o: { dataset: string; uri: string; table?: string; embeddings?: string; kind: IndexOptions['kind']; metric?: IndexOptions['metric']; partitions?: number }) => {
    const { indexDataset } = await import('./vector-index.js');
    const metric = o.metric ?? llmSeqSimMetric(o.dataset);
    const r = await indexDataset(o.dataset, { uri: o.uri, table: o.table ?? o.dataset, embeddings: o.embeddings, index: { kind: o.kind, metric, partitions: o.partitions } });
    out(`wrote ${r.rows} x ${r.dim} vectors to ${o.uri} table ${o.table ?? o.dataset} in ${(r.writeMs / 1000).toFixed(1)} s; ${r.options.kind} index (${r.options.metric}) in ${(r.indexMs / 1000).toFixed(1)} s`);
  });

program
  .command('serve')
  .description('serve the top-N candidates for a session embedding from a LanceDB table (POST /v1/candidates)')
  .requiredOption('--dataset <name>', 'dataset whose table to serve', 'beauty')
  .option('--uri <uri>', 'LanceDB uri (as for index)', DEFAULT_LANCEDB_URI)
  .option('--table <name>', 'table name (default: the dataset name)')
  .addOption(new Option('--metric <metric>', "distance the index was built with (default: as index chooses it)").choices(['dot', 'cosine', 'l2']))
  .option('--host <host>', 'interface to listen on (loopback by default)', '127.0.0.1')
  .option('--port <n>', 'port', positiveInt, 4300)
  .option('--cors-origin <origin>', 'one exact origin allowed to call it from a browser (none by default)')
  .option('--max-k <n>', 'largest N a request may ask for', positiveInt, 1000)
  .option('--nprobes <n>', 'IVF partitions probed per query', positiveInt, 50)
  .option('--refine-factor <n>', 're-score refine-factor x N candidates exactly', positiveInt, 5)
  .action(async (o: { dataset: string; uri: string; table?: string; metric?: IndexOptions['metric']; host: string; port: number; corsOrigin?: string; maxK: number; nprobes: number; refineFactor: number }) => {
    const { serveTable } = await import('./vector-index.js');
    const table = o.table ?? o.dataset;
    await serveTable(o.uri, table, o.metric ?? llmSeqSimMetric(o.dataset), { nprobes: o.nprobes, refineFactor: o.refineFactor }, { host: o.host, port: o.port, corsOrigin: o.corsOrigin, maxK: o.maxK });
    info(`serving ${o.uri} table ${table}: POST http://${o.host}:${o.port}/v1/candidates {"vector": [...], "k": 200}; GET /v1/info`);
  });

program
  .command('models')
  .description('list the models, what they need, and their default configs')
  .action(() => {
    for (const m of CATALOGUE) {
      const tuning = m.tuning.on === 'none' ? 'trained (train --config)' : `tuned on ${m.tuning.on === 'folds' ? 'the validation folds' : 'a trained model\'s inner validation set'}`;
      out(`${m.name.padEnd(21)} ${m.label} (${m.family}): ${m.description} [needs ${m.needs.join(', ')}; ${tuning}]`);
      out(`${' '.repeat(22)}defaults: ${JSON.stringify(m.defaults)}`);
    }
  });

registerPromptCommands(program);

program.parseAsync(process.argv).catch((e: unknown) => {
  const err = e as Error;
  // Messages may quote input (ids, keys, titles, file names): escaped so a file cannot drive the terminal.
  process.stderr.write(`error: ${escapeControl(err.message ?? String(e))}\n`);
  if (!(err instanceof InputError || err instanceof InvalidArgumentError || err instanceof RangeError) && process.env.DEBUG) {
    process.stderr.write(`${err.stack ?? ''}\n`);
  }
  process.exitCode = 1;
});
