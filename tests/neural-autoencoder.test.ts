import { describe, expect, it } from 'vitest';
import { denseMatrix } from '../src/core/vectors/matrix.js';
import { gaussian, mulberry32 } from '../src/core/vectors/random.js';
import { pcaReduce } from '../src/core/vectors/reduce.js';
import { autoencoderReduce } from '../src/neural/autoencoder.js';
import { llmItemInit } from '../src/neural/presets.js';
import { initTfjs, registerGradients } from '../src/node/tfjs-setup.js';

/** 400 vectors of width 16 lying near a 3-dimensional subspace (plus a little noise). */
function lowRank(seed: number) {
  const g = gaussian(mulberry32(seed));
  const basis = Array.from({ length: 3 }, () => Array.from({ length: 16 }, () => g()));
  const data = new Float32Array(400 * 16);
  for (let r = 0; r < 400; r++) {
    const z = [g(), g(), g()];
    for (let c = 0; c < 16; c++) data[r * 16 + c] = z[0] * basis[0][c] + z[1] * basis[1][c] + z[2] * basis[2][c] + 0.05 * g() + 1;
  }
  return denseMatrix(400, 16, data);
}

describe('autoencoder reduction (tfjs)', async () => {
  await initTfjs();
  await registerGradients();
  it('finds a 3-dimensional code for data near a 3-dimensional subspace, reproducibly', async () => {
    const m = lowRank(5);
    const a = await autoencoderReduce(m, { dims: 3, epochs: 60, batchSize: 64, lr: 1e-2, seed: 1 });
    expect(a.codes.rows).toBe(400);
    expect(a.codes.cols).toBe(3);
    expect(a.unexplained).toBeLessThan(0.1); // most of the variance is reconstructed from 3 numbers
    const b = await autoencoderReduce(m, { dims: 3, epochs: 60, batchSize: 64, lr: 1e-2, seed: 1 });
    expect(Array.from(b.codes.data)).toEqual(Array.from(a.codes.data));
    // Neighbours agree with PCA's (the optimal linear 3-d code for this data) for most rows.
    const p = pcaReduce(m, 3);
    const nearest = (x: Float32Array, d: number, r: number) => {
      let best = -1;
      let bestD = Infinity;
      for (let s = 0; s < 400; s++) {
        if (s === r) continue;
        let dist = 0;
        for (let c = 0; c < d; c++) dist += (x[r * d + c] - x[s * d + c]) ** 2;
        if (dist < bestD) [best, bestD] = [s, dist];
      }
      return best;
    };
    let agree = 0;
    for (let r = 0; r < 400; r++) if (nearest(a.codes.data, 3, r) === nearest(p.data, 3, r)) agree++;
    expect(agree / 400).toBeGreaterThan(0.5);
  }, 60_000);

  it('is an LLM2* item-table start next to PCA and random projection', async () => {
    const init = await llmItemInit(lowRank(6), 8, 'autoencoder', false, 3, 'none');
    expect(init.rows).toBe(400);
    expect(init.cols).toBe(8);
    expect(init.data.every(Number.isFinite)).toBe(true);
  }, 60_000);
});
