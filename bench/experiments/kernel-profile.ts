import * as tf from '@tensorflow/tfjs-core';

/**
 * Prints where `steps` calls of `run` spend their time, by tfjs kernel (`tf.profile`): kernel
 * times summed by kernel name, and by kernel name and input shapes, largest first. Kernel times
 * are wall times per kernel (WASM runs them synchronously); "forward" rows are customGrad
 * wrappers and count the kernels inside them again.
 */
export async function printKernelProfile(label: string, run: (i: number) => unknown, steps: number, top = 30): Promise<void> {
  const t0 = performance.now();
  const info = await tf.profile(async () => {
    for (let i = 0; i < steps; i++) await run(i);
  });
  const wall = (performance.now() - t0) / steps;
  const byName = new Map<string, number>();
  const byKey = new Map<string, { ms: number; n: number }>();
  let inner = 0;
  for (const k of info.kernels) {
    const ms = typeof k.kernelTimeMs === 'number' ? k.kernelTimeMs : 0;
    if (k.name !== 'forward') inner += ms;
    byName.set(k.name, (byName.get(k.name) ?? 0) + ms);
    const key = `${k.name} ${k.inputShapes.map((s) => `[${s?.join(',') ?? ''}]`).join(' ')}`;
    const e = byKey.get(key) ?? { ms: 0, n: 0 };
    e.ms += ms;
    e.n++;
    byKey.set(key, e);
  }
  const per = (ms: number) => (ms / steps).toFixed(1).padStart(7);
  const out = [`${label}: ${wall.toFixed(0)} ms/step while profiled, kernels (without "forward") ${(inner / steps).toFixed(0)} ms/step, ${(info.kernels.length / steps).toFixed(0)} kernels/step`, '', 'by kernel:'];
  for (const [name, ms] of [...byName].sort((a, b) => b[1] - a[1]).slice(0, 20)) out.push(`${per(ms)} ms  ${name}`);
  out.push('', 'by kernel and input shapes:');
  for (const [key, e] of [...byKey].sort((a, b) => b[1].ms - a[1].ms).slice(0, top)) out.push(`${per(e.ms)} ms  x${(e.n / steps).toFixed(1).padStart(5)}  ${key}`);
  process.stdout.write(`${out.join('\n')}\n`);
}
