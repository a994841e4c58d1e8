import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { CHECKPOINT_FILE, loadCheckpoint, saveCheckpoint } from '../src/node/train-checkpoint.js';
import { initTfjs } from '../src/node/tfjs-setup.js';
import type { TrainCheckpoint } from '../src/neural/train.js';

/** A training checkpoint is one unit: whole and of one epoch, or refused with a reason. */
const config = { arch: 'sasrec', dim: 4, epochs: 3 };

function checkpoint(epoch: number): TrainCheckpoint {
  return {
    epoch,
    history: [],
    best: 0.1 * epoch,
    bestEpoch: epoch,
    weights: new Map([['items', tf.fill([3, 4], epoch)]]),
    bestWeights: null,
    optimizer: new Map([['iter', tf.scalar(epoch * 10)]]),
  };
}

beforeAll(async () => {
  await initTfjs();
});

describe('training checkpoints', () => {
  it('round-trips one epoch from one file; a larger epoch budget may resume it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ckpt-'));
    await saveCheckpoint(dir, config, checkpoint(2));
    await saveCheckpoint(dir, config, checkpoint(3));
    const cp = loadCheckpoint(dir, { ...config, epochs: 9 })!;
    expect(cp.epoch).toBe(3);
    expect(Array.from(cp.weights.get('items')!.dataSync())).toEqual(new Array(12).fill(3));
    expect(cp.optimizer.get('iter')!.dataSync()[0]).toBe(30);
  });

  it('says so when the checkpoint is torn, altered, from another config or in the old two-file layout', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ckpt-'));
    await saveCheckpoint(dir, config, checkpoint(1));
    const path = join(dir, CHECKPOINT_FILE);
    const bytes = readFileSync(path);
    expect(() => loadCheckpoint(dir, { ...config, dim: 8 })).toThrow(/was written with a different config/);
    const altered = Buffer.from(bytes);
    altered[altered.length - 1] ^= 0xff;
    writeFileSync(path, altered);
    expect(() => loadCheckpoint(dir, config)).toThrow(/checkpoint\.ckpt: is not a consistent checkpoint \(its weights do not match the checksum in its header\)/);
    writeFileSync(path, bytes.subarray(0, bytes.length - 10));
    expect(() => loadCheckpoint(dir, config)).toThrow(/is not a consistent checkpoint \(its weights are \d+ bytes, its header says \d+\)/);
    writeFileSync(path, bytes.subarray(0, 30));
    expect(() => loadCheckpoint(dir, config)).toThrow(/is not a consistent checkpoint/);

    const legacy = mkdtempSync(join(tmpdir(), 'ckpt-'));
    writeFileSync(join(legacy, 'checkpoint.json'), '{}');
    writeFileSync(join(legacy, 'checkpoint.bin'), '');
    expect(() => loadCheckpoint(legacy, config)).toThrow(/old two-file checkpoint whose halves cannot be checked/);
    expect(loadCheckpoint(mkdtempSync(join(tmpdir(), 'ckpt-')), config)).toBeNull();
  });
});
