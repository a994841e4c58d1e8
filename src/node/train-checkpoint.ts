import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { InputError } from '../core/errors.js';
import { parseJson } from '../core/json.js';
import type { EpochLog, TrainCheckpoint } from '../neural/train.js';
import { writeFileAtomic } from './atomic-write.js';
import { ROOT } from './paths.js';

/**
 * A training run's last finished epoch on disk, so `cli train --resume` continues exactly where
 * an interrupted run stopped. It is ONE file, `checkpoint.ckpt`, replaced atomically (temporary
 * file, fsync, rename): the epoch's state (current weights, best weights, Adam's moments) and
 * its description can never come from two different epochs. Layout:
 *   8 bytes  magic "LSRCKPT1"
 *   4 bytes  little-endian length N of the header
 *   N bytes  header JSON: config, epoch, history, best, bestEpoch, tfjs weight specs, and the
 *            sha256 and length of the weights that follow
 *   ...      the tfjs weights bundle
 * Loading checks the magic, the lengths and the sha256, and says what is wrong otherwise.
 */
interface CheckpointHeader {
  readonly config: unknown;
  readonly epoch: number;
  readonly history: EpochLog[];
  readonly best: number;
  readonly bestEpoch: number;
  readonly specs: tf.io.WeightsManifestEntry[];
  readonly weightsBytes: number;
  readonly weightsSha256: string;
}

export const CHECKPOINT_FILE = 'checkpoint.ckpt';
const MAGIC = 'LSRCKPT1';
/** The two-file layout of earlier versions: its halves were renamed one after the other. */
const LEGACY = ['checkpoint.json', 'checkpoint.bin'];

/** Tensor name prefixes in a checkpoint file: w/ weights, b/ best weights, o/ optimizer state. */
type Group = 'w' | 'b' | 'o';

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

export async function saveCheckpoint(dir: string, config: unknown, cp: TrainCheckpoint): Promise<void> {
  const named: { name: string; tensor: tf.Tensor }[] = [];
  for (const [k, t] of cp.weights) named.push({ name: `w:${k}`, tensor: t });
  for (const [k, t] of cp.bestWeights ?? []) named.push({ name: `b:${k}`, tensor: t });
  for (const [k, t] of cp.optimizer) named.push({ name: `o:${k}`, tensor: t });
  const { data, specs } = await tf.io.encodeWeights(named);
  const weights = new Uint8Array(data as ArrayBuffer);
  const header: CheckpointHeader = {
    config,
    epoch: cp.epoch,
    history: cp.history,
    best: cp.best,
    bestEpoch: cp.bestEpoch,
    specs,
    weightsBytes: weights.byteLength,
    weightsSha256: sha256(weights),
  };
  const head = new TextEncoder().encode(JSON.stringify(header));
  const file = new Uint8Array(12 + head.byteLength + weights.byteLength);
  file.set(new TextEncoder().encode(MAGIC), 0);
  new DataView(file.buffer).setUint32(8, head.byteLength, true);
  file.set(head, 12);
  file.set(weights, 12 + head.byteLength);
  writeFileAtomic(join(dir, CHECKPOINT_FILE), file);
}

/**
 * The config without what only shapes the epochs still to come: the epoch budget and the
 * plateau decay (a run may be resumed with a larger budget or a decay schedule; the decay
 * decision after the last saved epoch is then taken under the new setting, see train.ts).
 */
function comparable(config: unknown): string {
  if (config === null || typeof config !== 'object') return JSON.stringify(config);
  const { epochs: _budget, plateauDecay: _decay, ...rest } = config as Record<string, unknown>;
  return JSON.stringify(rest);
}

/** Reads and checks the checkpoint file: it is whole and of one piece, or an InputError says what is wrong. */
function readCheckpointFile(path: string): { header: CheckpointHeader; weights: Uint8Array } {
  const where = relative(ROOT, path) || path;
  const bytes = new Uint8Array(readFileSync(path));
  const bad = (why: string): never => {
    throw new InputError(where, `is not a consistent checkpoint (${why}); remove it or train without --resume`);
  };
  if (bytes.byteLength < 12 || new TextDecoder().decode(bytes.subarray(0, 8)) !== MAGIC) bad('no checkpoint header');
  const headLen = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(8, true);
  if (12 + headLen > bytes.byteLength) bad(`the header says ${headLen} bytes, the file has ${bytes.byteLength - 12}`);
  const header = parseJson(new TextDecoder().decode(bytes.subarray(12, 12 + headLen)), where) as CheckpointHeader;
  const weights = bytes.subarray(12 + headLen);
  if (weights.byteLength !== header.weightsBytes) bad(`its weights are ${weights.byteLength} bytes, its header says ${header.weightsBytes}`);
  if (sha256(weights) !== header.weightsSha256) bad('its weights do not match the checksum in its header');
  return { header, weights };
}

/**
 * The checkpoint in `dir`, or null; refuses one written with a different config (the epoch
 * budget may differ), one that is torn or inconsistent, and the old two-file layout (whose two
 * halves could come from different epochs without any way to tell).
 */
export function loadCheckpoint(dir: string, config: unknown): TrainCheckpoint | null {
  const path = join(dir, CHECKPOINT_FILE);
  if (!existsSync(path)) {
    const legacy = LEGACY.filter((f) => existsSync(join(dir, f)));
    if (legacy.length > 0) {
      throw new InputError(
        relative(ROOT, join(dir, legacy[0])),
        'is an old two-file checkpoint whose halves cannot be checked against each other (a crash between its two renames mixes epochs); remove them or train without --resume',
      );
    }
    return null;
  }
  const { header, weights } = readCheckpointFile(path);
  if (comparable(header.config) !== comparable(config)) {
    throw new InputError(relative(ROOT, path), 'was written with a different config; remove it or train without --resume');
  }
  const buffer = weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.byteLength) as ArrayBuffer;
  const tensors = tf.io.decodeWeights(buffer, header.specs);
  const maps = { w: new Map<string, tf.Tensor>(), b: new Map<string, tf.Tensor>(), o: new Map<string, tf.Tensor>() };
  // decodeWeights returns names in manifest order, which keeps Adam's moments in variable order.
  for (const spec of header.specs) {
    const group = spec.name.slice(0, 1) as Group;
    maps[group].set(spec.name.slice(2), tensors[spec.name]);
  }
  return {
    epoch: header.epoch,
    history: header.history,
    best: header.best,
    bestEpoch: header.bestEpoch,
    weights: maps.w,
    bestWeights: maps.b.size ? maps.b : null,
    optimizer: maps.o,
  };
}
