import { parentPort, workerData } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs-core';
import { SeqModel, type SeqModelConfig } from '../neural/model.js';
import { batchGradients, type BatchArrays } from '../neural/train.js';
import { initTfjs, registerGradients } from './tfjs-setup.js';

/**
 * A gradient peer's thread (see gradient-peer.ts): its own tfjs backend and copy of the model.
 * Per request it takes the weights, computes one part of a batch and sends the gradients back.
 */
export type PeerRequest =
  | { kind: 'reseed'; seed: number }
  | { kind: 'gradients'; id: number; weights: Map<string, Float32Array>; part: BatchArrays; scale: number };
export type PeerReply = { kind: 'ready'; backend: string } | { kind: 'gradients'; id: number; loss: number; grads: Map<string, Float32Array> } | { kind: 'error'; id: number; message: string };

const port = parentPort;
if (!port) throw new Error('gradient-worker.ts runs in a worker thread (src/node/gradient-peer.ts starts it)');
const backend = await initTfjs();
await registerGradients();
const model = new SeqModel(workerData as SeqModelConfig);

port.on('message', (m: PeerRequest) => {
  if (m.kind === 'reseed') return model.reseedDropout(m.seed);
  try {
    tf.tidy(() => {
      for (const [key, data] of m.weights) {
        const v = model.vars.get(key);
        if (!v) throw new Error(`no weight ${key} in the peer's model`);
        v.assign(tf.tensor(data, v.shape));
      }
    });
    const grads = new Map<string, Float32Array>();
    let loss = 0;
    tf.tidy(() => {
      const r = batchGradients(model, m.part, m.scale);
      for (const [key, g] of r.grads) grads.set(key, g.dataSync() as Float32Array);
      loss = r.value.dataSync()[0];
    });
    port.postMessage({ kind: 'gradients', id: m.id, loss, grads } satisfies PeerReply, [...grads.values()].map((a) => a.buffer as ArrayBuffer));
  } catch (e) {
    port.postMessage({ kind: 'error', id: m.id, message: (e as Error).message } satisfies PeerReply);
  }
});
port.postMessage({ kind: 'ready', backend } satisfies PeerReply);
