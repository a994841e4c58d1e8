import { describe, expect, it } from 'vitest';
import { denseMatrix, jsDotKernel } from '../src/core/vectors/matrix.js';
import { mulberry32 } from '../src/core/vectors/random.js';
import { initTfjs } from '../src/node/tfjs-setup.js';
import { fitLlmSeqSim, LLMSEQSIM_DEFAULTS } from '../src/recommenders/llmseqsim.js';
import { tfjsDotKernel } from '../src/tfjs/dot-kernel.js';
import { sessionsOf, top } from './helpers.js';

describe('tfjs scoring kernel (wasm in Node)', async () => {
  const backend = await initTfjs();

  it('runs on wasm (or tfjs-node), never the pure-JS cpu backend', () => {
    expect(['wasm', 'tensorflow']).toContain(backend);
  });

  it('gives the same products and recommendations as the pure-JS kernel', () => {
    const r = mulberry32(2);
    const m = denseMatrix(1000, 48, Float32Array.from({ length: 48000 }, () => r() * 2 - 1));
    const q = Float32Array.from({ length: 3 * 48 }, () => r() * 2 - 1);
    const a = new Float32Array(3000);
    const b = new Float32Array(3000);
    jsDotKernel(m).dot(q, 3, a);
    const k = tfjsDotKernel(m);
    k.dot(q, 3, b);
    k.dispose();
    for (let i = 0; i < a.length; i++) expect(Math.abs(a[i] - b[i])).toBeLessThan(1e-4);

    const train = sessionsOf([[0, 1]]);
    for (const similarity of ['cosine', 'dot', 'euclidean'] as const) {
      const cfg = { ...LLMSEQSIM_DEFAULTS, similarity };
      const js = fitLlmSeqSim({ train, nItems: 1000, embeddings: m, dotKernel: jsDotKernel }, cfg);
      const tf = fitLlmSeqSim({ train, nItems: 1000, embeddings: m, dotKernel: tfjsDotKernel }, cfg);
      const s = Int32Array.from([5, 17, 99]);
      expect(top(tf.recommend(s, 20))).toEqual(top(js.recommend(s, 20)));
      tf.dispose?.();
    }
  });
});
