import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import type { EpochLog, TrainCheckpoint } from '../neural/train.js';

/**
 * A training run's last finished epoch on disk (`checkpoint.json` + `checkpoint.bin`, a tfjs
 * weights bundle of the current weights, the best weights and Adam's state), so
 * `cli train --resume` continues exactly where an interrupted run stopped.
 */
interface CheckpointJson {
  readonly config: unknown;
  readonly epoch: number;
  readonly history: EpochLog[];
  readonly best: number;
  readonly bestEpoch: number;
  readonly specs: tf.io.WeightsManifestEntry[];
}

/** Tensor name prefixes in a checkpoint file: w/ weights, b/ best weights, o/ optimizer state. */
type Group = 'w' | 'b' | 'o';

export async function saveCheckpoint(dir: string, config: unknown, cp: TrainCheckpoint): Promise<void> {
  mkdirSync(dir, { recursive: true });
  const named: { name: string; tensor: tf.Tensor }[] = [];
  for (const [k, t] of cp.weights) named.push({ name: `w:${k}`, tensor: t });
  for (const [k, t] of cp.bestWeights ?? []) named.push({ name: `b:${k}`, tensor: t });
  for (const [k, t] of cp.optimizer) named.push({ name: `o:${k}`, tensor: t });
  const { data, specs } = await tf.io.encodeWeights(named);
  const json: CheckpointJson = { config, epoch: cp.epoch, history: cp.history, best: cp.best, bestEpoch: cp.bestEpoch, specs };
  // Write then rename, so a crash mid-write never leaves a torn checkpoint.
  writeFileSync(join(dir, 'checkpoint.bin.tmp'), new Uint8Array(data as ArrayBuffer));
  writeFileSync(join(dir, 'checkpoint.json.tmp'), JSON.stringify(json));
  renameSync(join(dir, 'checkpoint.bin.tmp'), join(dir, 'checkpoint.bin'));
  renameSync(join(dir, 'checkpoint.json.tmp'), join(dir, 'checkpoint.json'));
}

/** The config without the epoch budget: a run may be resumed with a larger budget to train on. */
function comparable(config: unknown): string {
  if (config === null || typeof config !== 'object') return JSON.stringify(config);
  const { epochs: _budget, ...rest } = config as Record<string, unknown>;
  return JSON.stringify(rest);
}

/** The checkpoint in `dir`, or null; refuses one written with a different config (the epoch budget may differ). */
export function loadCheckpoint(dir: string, config: unknown): TrainCheckpoint | null {
  const jsonPath = join(dir, 'checkpoint.json');
  if (!existsSync(jsonPath)) return null;
  const json = JSON.parse(readFileSync(jsonPath, 'utf8')) as CheckpointJson;
  if (comparable(json.config) !== comparable(config)) {
    throw new Error(`${jsonPath} was written with a different config; remove it or train without --resume`);
  }
  const bytes = readFileSync(join(dir, 'checkpoint.bin'));
  const tensors = tf.io.decodeWeights(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer, json.specs);
  const maps = { w: new Map<string, tf.Tensor>(), b: new Map<string, tf.Tensor>(), o: new Map<string, tf.Tensor>() };
  // decodeWeights returns names in manifest order, which keeps Adam's moments in variable order.
  for (const spec of json.specs) {
    const group = spec.name.slice(0, 1) as Group;
    maps[group].set(spec.name.slice(2), tensors[spec.name]);
  }
  return { epoch: json.epoch, history: json.history, best: json.best, bestEpoch: json.bestEpoch, weights: maps.w, bestWeights: maps.b.size ? maps.b : null, optimizer: maps.o };
}
