import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { type Command, InvalidArgumentError, Option } from 'commander';
import { InputError } from '../core/errors.js';
import type { EvalCases } from '../core/dataset/types.js';
import { promptSplit } from '../core/prompt/format.js';
import type { MetricValues } from '../core/metrics/metrics.js';
import { makeProtocol } from '../evaluation/protocol.js';
import type { WeightsPrecision } from '../neural/io.js';
import { LLMSEQPROMPT_DEFAULTS, LlmSeqPromptConfig, type LmEpochLog } from '../neural/lm-train.js';
import { loadDataset } from './dataset-files.js';
import { progressBar } from './progress.js';
import { fmt, formatTable } from './table.js';

/**
 * The LLMSeqPrompt commands: `prompt-data` (the fine-tuning files), `train --model
 * llmseqprompt` (the local model; called from cli.ts's train command) and `prompt-eval`
 * (a shipped local model on the test split). Heavy modules are imported on demand.
 */
function out(line = ''): void {
  process.stdout.write(`${line}\n`);
}
function info(line: string): void {
  process.stderr.write(`${line}\n`);
}

const METRICS = ['NDCG@10', 'HitRate@10', 'MRR@10', 'NDCG@20', 'HitRate@20', 'MRR@20', 'CatalogCoverage@20', 'Serendipity@20', 'Novelty@20'];

export function promptMetricsTable(rows: { label: string; metrics: MetricValues }[]): string {
  return formatTable(['model', ...METRICS], rows.map((r) => [r.label, ...METRICS.map((m) => fmt(r.metrics[m], m.startsWith('Novelty') ? 3 : 4))]));
}

function readConfig(file: string | undefined, epochs: number | undefined): LlmSeqPromptConfig {
  let fromFile: unknown = {};
  if (file) {
    if (!existsSync(file)) throw new InputError(file, 'not found');
    try {
      fromFile = JSON.parse(readFileSync(file, 'utf8'));
    } catch (e) {
      throw new InputError(file, `not valid JSON (${(e as Error).message})`);
    }
  }
  const parsed = LlmSeqPromptConfig.safeParse({ ...LLMSEQPROMPT_DEFAULTS, ...(fromFile as object), ...(epochs ? { epochs } : {}) });
  if (!parsed.success) throw new InputError(file ?? 'config', `invalid llmseqprompt config: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  return parsed.data;
}

export interface TrainPromptOptions {
  dataset: string;
  config?: string;
  epochs?: number;
  name?: string;
  embeddings?: string;
  precision: WeightsPrecision;
  quiet?: boolean;
  /** Evaluate on at most this many test sessions after training (default: all). */
  evalLimit?: number;
  /** Continue from the shipped model's weights (fresh optimizer state). */
  resume?: boolean;
}

/** `train --model llmseqprompt`: train, ship (model.json + weights.bin + manifest entry), evaluate on the test split. */
export async function trainLlmSeqPromptCli(o: TrainPromptOptions): Promise<void> {
  const cfg = readConfig(o.config, o.epochs);
  const name = o.name ?? 'llmseqprompt';
  const { initTfjs, registerGradients } = await import('./tfjs-setup.js');
  info(`tfjs backend: ${await initTfjs()}`);
  await registerGradients();
  const { fitLlmSeqPrompt, shipLlmSeqPrompt, loadLlmSeqPrompt, updateTrainLog } = await import('./llmseqprompt.js');
  const { loadEmbeddings } = await import('./artifacts.js');
  const dataset = loadDataset(o.dataset);
  const p = makeProtocol(dataset);
  const emb = await loadEmbeddings(o.dataset, dataset.catalog, o.embeddings);
  const { readManifest } = await import('./artifacts.js');
  const { loadLmFiles, readPromptTrainLog } = await import('./llmseqprompt.js');
  const previousEntry = o.resume ? readManifest(o.dataset)?.promptModels?.find((m) => m.name === name) : undefined;
  if (o.resume && !previousEntry) throw new InputError(`public/models/${o.dataset}/manifest.json`, `lists no prompt model "${name}" to resume from`);
  const previousLog = previousEntry ? readPromptTrainLog(o.dataset, previousEntry) : null;
  const previousHistory = (previousLog?.history as LmEpochLog[] | undefined) ?? [];
  if (previousEntry) info(`warm start from the shipped ${name} (${previousHistory.length} epochs, ${(((previousLog?.trainSeconds as number | undefined) ?? 0) / 60).toFixed(1)} min); the optimizer state starts afresh`);
  out(`training ${name} (a small causal transformer LM trained from scratch, not a pretrained LLM) on the prompt-completion pairs of ${p.split.stats.trainSessions} training sessions: ${JSON.stringify(cfg)}`);
  let bar = progressBar(`${name} epoch 1`, 1, o.quiet);
  const tStart = performance.now();
  const trained = await fitLlmSeqPrompt(p, cfg, {
    onBatch: (epoch, b, n, loss) => {
      // Without a terminal (a background run with a log), a line every 25 batches.
      if (!process.stderr.isTTY && b % 25 === 0) info(`epoch ${epoch} batch ${b}/${n}: loss ${loss.toFixed(4)}, ${((performance.now() - tStart) / 60000).toFixed(1)} min`);
      if (b === 1) {
        bar.stop();
        bar = progressBar(`${name} epoch ${epoch}`, n, o.quiet);
      }
      bar.update(b, undefined, `loss ${loss.toFixed(4)}`);
    },
    onEpoch: (log, improved) => {
      bar.stop();
      out(`epoch ${log.epoch}: loss ${log.loss.toFixed(4)}, validation completion loss ${log.valLoss.toFixed(4)}, ${log.seconds.toFixed(0)} s${improved ? ' (best so far)' : ''}`);
    },
  }, previousEntry ? await loadLmFiles(o.dataset, previousEntry) : undefined);
  const r = trained.result;
  out(`best epoch ${r.bestEpoch} (validation loss ${r.bestValLoss.toFixed(4)}), ${(r.seconds / 60).toFixed(1)} min, stopped by ${r.stoppedBy}; ${trained.examples.train} training / ${trained.examples.valid} validation pairs; vocabulary ${trained.vocab.pieces.length} + 4 tokens`);
  const params = [...trained.model.vars.values()].reduce((a, v) => a + v.size, 0);
  const log: Record<string, unknown> = {
    model: name,
    kind: 'small causal transformer LM trained from scratch on the RecSys\'23 prompt-completion pairs (not a pretrained LLM)',
    config: cfg,
    parameters: params,
    vocabulary: trained.vocab.pieces.length + 4,
    maxLen: trained.model.config.maxLen,
    pairs: trained.examples,
    bestEpoch: r.bestEpoch + previousHistory.length,
    bestValLoss: r.bestValLoss,
    stoppedBy: r.stoppedBy,
    trainSeconds: r.seconds + previousHistory.reduce((a, h) => a + h.seconds, 0),
    history: [...previousHistory, ...r.history.map((h) => ({ ...h, epoch: h.epoch + previousHistory.length, ...(previousEntry ? { warmStart: true } : {}) }))],
    ...(previousEntry ? { note: 'trained in several runs: each --resume run continued from the shipped weights of the run before with a fresh Adam state; the budget (maxMinutes) is per run' } : {}),
  };
  const shipped = await shipLlmSeqPrompt(o.dataset, dataset.catalog, name, trained, cfg, o.precision, emb.entry.name, log);
  trained.model.dispose();
  out(`wrote public/models/${o.dataset}/${name}/model.json (${shipped.json.length} bytes), weights.bin (${shipped.weightsBytes} bytes, ${o.precision}); updated manifest.json`);
  // The shipped files are what gets evaluated.
  const rec = await loadLlmSeqPrompt(o.dataset, shipped.entry, dataset.catalog, { sampling: { timeBudgetMs: 600_000 } });
  const result = await runEval(p, rec, o.evalLimit, o.quiet);
  rec.dispose?.();
  updateTrainLog(o.dataset, name, { ...log, weights: { dtype: o.precision, bytes: shipped.weightsBytes }, test: result });
  out(promptMetricsTable([{ label: `${name} (${o.precision})`, metrics: result.metrics }]));
}

/** The test split, or the prompt-data validation sessions (never trained on): where decoding choices are made. */
async function promptCases(p: ReturnType<typeof makeProtocol>, split: 'test' | 'valid', seed: number): Promise<EvalCases> {
  if (split === 'test') return p.split.test;
  const { lastItemCases } = await import('../core/prompt/cases.js');
  return lastItemCases(promptSplit(p.split.train, seed).valid);
}

async function runEval(
  p: ReturnType<typeof makeProtocol>,
  rec: import('../neural/lm-recommender.js').LlmSeqPromptRecommender,
  limit: number | undefined,
  quiet?: boolean,
  split: 'test' | 'valid' = 'test',
  seed = 42,
) {
  const { evaluateLlmSeqPrompt } = await import('./llmseqprompt.js');
  const { subsetCases } = await import('../core/prompt/cases.js');
  const all = await promptCases(p, split, seed);
  const cases = limit ? subsetCases(all, limit) : all;
  const bar = progressBar(`generating for ${cases.targets.length} ${split === 'test' ? 'test' : 'validation'} sessions`, cases.targets.length, quiet);
  const r = await evaluateLlmSeqPrompt(p, rec, cases, (d, t, s) => bar.update(d, t, `${s.tokens} tokens, ${s.exact} exact / ${s.nearest} nearest names`));
  bar.stop();
  info(`generated ${r.stats.tokens} tokens for ${r.stats.sessions} sessions (${r.stats.samples} samples, ${r.stats.unfinished} unfinished) in ${r.seconds.toFixed(0)} s; list items: ${r.stats.exact} exact matches, ${r.stats.nearest} nearest replacements`);
  return { sessions: r.sessions, ...(limit ? { limitedTo: limit } : {}), metrics: r.metrics, predictSeconds: r.seconds, generation: r.stats, examples: r.examples };
}

export function registerPromptCommands(program: Command): void {
  program
    .command('prompt-data')
    .description("write LLMSeqPrompt fine-tuning files: RecSys'23 prompt-completion JSONL, or the extension's chat format")
    .requiredOption('--dataset <name>', 'dataset folder under data/', 'beauty')
    .requiredOption('--out <dir>', 'output folder (train.jsonl, valid.jsonl)')
    .addOption(new Option('--format <format>', 'recsys23: {"prompt", "completion"}; chat: {"messages"}').choices(['recsys23', 'chat']).default('recsys23'))
    .addOption(new Option('--variant <variant>', 'chat variant').choices(['genitem', 'genlist', 'classify', 'rank']).default('genitem'))
    .option('--embeddings <name>', 'embeddings for genlist/rank (LLMSeqSim) and classify (k-means) (default: the first)')
    .option('--seed <n>', 'shuffle seed', (v) => {
      const n = Number(v);
      if (!Number.isInteger(n)) throw new InvalidArgumentError('must be an integer');
      return n;
    }, 42)
    .addHelpText('after', '\nSessions of the training split (the paper\'s temporal split), shuffled with the seed; the first 500 are valid.jsonl.\nLines are written as Python\'s json.dumps writes them (the authors\' files), one per session.')
    .action(async (o: { dataset: string; out: string; format: 'recsys23' | 'chat'; variant: 'genitem' | 'genlist' | 'classify' | 'rank'; embeddings?: string; seed: number }) => {
      const { writePromptData } = await import('./prompt-data.js');
      const r = await writePromptData({ dataset: o.dataset, out: resolve(o.out), format: o.format, variant: o.variant, embeddings: o.embeddings, seed: o.seed, log: info });
      out(`wrote ${r.train} training and ${r.valid} validation lines to ${join(o.out, 'train.jsonl')} and ${join(o.out, 'valid.jsonl')} (${o.format}${o.format === 'chat' ? `, ${o.variant}` : ''})`);
    });

  program
    .command('prompt-finetune')
    .description("fine-tune a model on the RecSys'23 pairs through an OpenAI-compatible API (OPENAI_API_KEY, OPENAI_BASE_URL); resumable")
    .requiredOption('--dataset <name>', 'dataset folder under data/', 'beauty')
    .requiredOption('--base-model <id>', 'the model to fine-tune, e.g. babbage-002 or gpt-4o-mini-2024-07-18')
    .option('--suffix <s>', 'suffix of the fine-tuned model name')
    .option('--seed <n>', 'shuffle seed of the pairs', (v) => Number(v), 42)
    .addHelpText('after', '\nUploads train.jsonl / valid.jsonl (as `prompt-data` writes them), starts one job and polls it; the file and job ids\nare kept in .cache/finetune-*.json, so an interrupted run resumes without a second upload or job.')
    .action(async (o: { dataset: string; baseModel: string; suffix?: string; seed: number }) => {
      const { remoteFineTune } = await import('./prompt-remote.js');
      const p = makeProtocol(loadDataset(o.dataset));
      out(`fine-tuned model: ${await remoteFineTune(p, o.baseModel, o.suffix, o.seed, info)}`);
    });

  program
    .command('prompt-eval')
    .description('evaluate LLMSeqPrompt on the test split: the shipped local model, or (--provider openai) a model behind an OpenAI-compatible API')
    .requiredOption('--dataset <name>', 'dataset folder under data/', 'beauty')
    .addOption(new Option('--provider <p>', 'local: the shipped small LM; openai: OPENAI_BASE_URL / OPENAI_API_KEY').choices(['local', 'openai']).default('local'))
    .option('--name <name>', 'local: the model folder / manifest name', 'llmseqprompt')
    .option('--remote-model <id>', 'openai: the (fine-tuned) model id')
    .addOption(new Option('--format <f>', "openai: RecSys'23 completions or chat (GenItem)").choices(['recsys23', 'chat']).default('recsys23'))
    .option('--concurrency <n>', 'openai: requests in flight', (v) => Number(v), 4)
    .option('--limit <n>', 'only the first n test sessions', (v) => Number(v))
    .addOption(new Option('--split <s>', "local: the test split, or the prompt-data validation sessions (500, never trained on) where decoding is chosen").choices(['test', 'valid']).default('test'))
    .option('--constrained', 'local: constrained decoding (only continuations of catalog names)')
    .option('--no-constrained', 'local: free decoding (the model may write any name), whatever the model stores')
    .option('--temperature <t>', 'override the sampling temperature (paper 0.5; the extension found 0.25 better)', (v) => Number(v))
    .option('--time-budget <ms>', 'local: generation time budget per session (the app uses the model\'s 5 s; evaluation measures the model, not the machine\'s load)', (v) => Number(v), 600_000)
    .option('--json <out>', 'write {"sessions", "metrics", ...}')
    .option('--quiet', 'no progress bar')
    .action(async (o: { dataset: string; provider: 'local' | 'openai'; name: string; remoteModel?: string; format: 'recsys23' | 'chat'; concurrency: number; limit?: number; temperature?: number; timeBudget: number; json?: string; quiet?: boolean; split: 'test' | 'valid'; constrained?: boolean }) => {
      const dataset = loadDataset(o.dataset);
      const p = makeProtocol(dataset);
      let label: string;
      let result: object & { metrics: MetricValues };
      let config: object;
      if (o.provider === 'openai') {
        if (!o.remoteModel) throw new InvalidArgumentError('--provider openai needs --remote-model');
        const { remoteEvaluate } = await import('./prompt-remote.js');
        const { subsetCases } = await import('../core/prompt/cases.js');
        const cases = o.limit ? subsetCases(p.split.test, o.limit) : p.split.test;
        const bar = progressBar(`completions for ${cases.targets.length} sessions`, cases.targets.length, o.quiet);
        const r = await remoteEvaluate(p, cases, { model: o.remoteModel, format: o.format, concurrency: o.concurrency, ...(o.temperature !== undefined ? { params: { temperature: o.temperature } } : {}) }, (d, s) =>
          bar.update(d, undefined, `${s.requests} requests (${s.cached} cached, ${s.retries} retries), ${s.promptTokens} prompt + ${s.completionTokens} completion tokens`),
        );
        bar.stop();
        info(`${r.stats.requests} requests, ${r.stats.cached} from the cache, ${r.stats.promptTokens} prompt + ${r.stats.completionTokens} completion tokens; list items: ${r.exact} exact, ${r.nearest} nearest`);
        label = o.remoteModel;
        result = r;
        config = { provider: 'openai-compatible', model: o.remoteModel, format: o.format, temperature: o.temperature ?? 0.5 };
      } else {
        const { initTfjs } = await import('./tfjs-setup.js');
        info(`tfjs backend: ${await initTfjs()}`);
        const { readManifest } = await import('./artifacts.js');
        const { loadLlmSeqPrompt } = await import('./llmseqprompt.js');
        const entry = readManifest(o.dataset)?.promptModels?.find((m) => m.name === o.name);
        if (!entry) throw new InputError(`public/models/${o.dataset}/manifest.json`, `lists no prompt model "${o.name}": run \`npm run cli -- train --dataset ${o.dataset} --model llmseqprompt\``);
        const rec = await loadLlmSeqPrompt(o.dataset, entry, dataset.catalog, {
          sampling: { timeBudgetMs: o.timeBudget, ...(o.temperature !== undefined ? { temperature: o.temperature } : {}), ...(o.constrained !== undefined ? { constrained: o.constrained } : {}) },
        });
        const r = await runEval(p, rec, o.limit, o.quiet, o.split, (rec.config as { seed: number }).seed);
        result = Object.assign({ split: o.split }, r);
        config = rec.config;
        rec.dispose?.();
        label = `${o.name}${o.constrained === true ? ' constrained' : o.constrained === false ? ' free' : ''}${o.temperature !== undefined ? ` (temperature ${o.temperature})` : ''}${o.split === 'valid' ? ' [validation]' : ''}`;
      }
      out(promptMetricsTable([{ label, metrics: result.metrics }]));
      if (o.json) {
        mkdirSync(resolve(o.json, '..'), { recursive: true });
        writeFileSync(o.json, `${JSON.stringify({ model: label, config, ...result }, null, 2)}\n`);
        info(`wrote ${o.json}`);
      }
    });
}
