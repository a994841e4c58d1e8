import * as tf from '@tensorflow/tfjs-core';
import type { BackendChoice, BackendInfo, BackendName } from './messages.js';

/**
 * tfjs backend selection for the browser. Backends are imported on demand (a page that runs
 * WASM never downloads the WebGPU code). Every `setBackend` is raced against a timeout: a
 * backend that fails or hangs is skipped and the next one is tried, and the notes say why.
 */

const INIT_TIMEOUT_MS = 10_000;

interface GpuAdapterLike {
  readonly info?: { vendor?: string; architecture?: string; description?: string; isFallbackAdapter?: boolean };
  readonly isFallbackAdapter?: boolean;
}
interface NavigatorGpu {
  readonly gpu?: { requestAdapter(): Promise<GpuAdapterLike | null> };
}

export interface GpuProbe {
  readonly available: boolean;
  readonly fallback: boolean;
  readonly description: string;
}

export async function probeWebGpu(): Promise<GpuProbe> {
  const gpu = (globalThis.navigator as unknown as NavigatorGpu | undefined)?.gpu;
  if (!gpu) return { available: false, fallback: false, description: 'this browser has no WebGPU (navigator.gpu is missing)' };
  let adapter: GpuAdapterLike | null;
  try {
    adapter = await gpu.requestAdapter();
  } catch (e) {
    return { available: false, fallback: false, description: `requestAdapter failed: ${(e as Error).message}` };
  }
  if (!adapter) return { available: false, fallback: false, description: 'no WebGPU adapter' };
  const info = adapter.info ?? {};
  const fallback = Boolean(info.isFallbackAdapter ?? adapter.isFallbackAdapter);
  const description = [info.vendor, info.architecture, info.description].filter((x) => x).join(' / ') || 'unknown adapter';
  return { available: true, fallback, description: `${description}${fallback ? ' (software fallback adapter)' : ''}` };
}

async function importBackend(name: BackendName, wasmPaths: Record<string, string>): Promise<void> {
  switch (name) {
    case 'webgpu':
      await import('@tensorflow/tfjs-backend-webgpu');
      return;
    case 'webgl':
      await import('@tensorflow/tfjs-backend-webgl');
      return;
    case 'wasm': {
      const wasm = await import('@tensorflow/tfjs-backend-wasm');
      // Threaded wasm breaks in a minified build and gives nothing on 2 cores (notes/browser-testing.md).
      tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
      wasm.setWasmPaths(wasmPaths);
      return;
    }
    case 'cpu':
      await import('@tensorflow/tfjs-backend-cpu');
      return;
  }
}

async function trySetBackend(name: BackendName, wasmPaths: Record<string, string>): Promise<string | null> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    await importBackend(name, wasmPaths);
    const ok = await Promise.race([
      tf.setBackend(name),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`did not initialise within ${INIT_TIMEOUT_MS / 1000} s`)), INIT_TIMEOUT_MS);
      }),
    ]);
    if (!ok) return 'failed to initialise';
    await tf.ready();
    // A tiny op proves the backend really computes.
    const probe = tf.tidy(() => tf.sum(tf.mul(tf.tensor1d([1, 2, 3]), tf.tensor1d([4, 5, 6]))));
    const v = (await probe.data())[0];
    probe.dispose();
    if (v !== 32) return `computes wrong values (1·4+2·5+3·6 gave ${v})`;
    return null;
  } catch (e) {
    return (e as Error).message || String(e);
  } finally {
    if (timer) clearTimeout(timer);
  }
}

/**
 * Picks and initialises a backend. `auto`: WebGPU on a hardware adapter, else WASM (a software
 * WebGPU adapter such as SwiftShader is slower than WASM on the CPU), then WebGL, then CPU.
 * A forced backend that fails falls back through WebGL, WASM and CPU. `exclude` skips backends
 * that already failed (e.g. a lost device).
 */
export async function selectBackend(
  requested: BackendChoice,
  wasmPaths: Record<string, string>,
  exclude: ReadonlySet<BackendName> = new Set(),
): Promise<BackendInfo> {
  const notes: string[] = [];
  const gpu = await probeWebGpu();
  let order: BackendName[];
  if (requested === 'auto') {
    if (gpu.available && !gpu.fallback) order = ['webgpu', 'webgl', 'wasm', 'cpu'];
    else {
      notes.push(gpu.available ? `WebGPU adapter is a software fallback (${gpu.description}): WASM is faster on this CPU` : `WebGPU unavailable: ${gpu.description}`);
      order = ['wasm', 'webgl', 'cpu'];
    }
  } else {
    order = [requested, ...(['webgl', 'wasm', 'cpu'] as BackendName[]).filter((b) => b !== requested)];
  }
  for (const name of order) {
    if (exclude.has(name)) {
      notes.push(`${name} skipped (it failed earlier in this session)`);
      continue;
    }
    if (name === 'webgpu' && !gpu.available) {
      notes.push(`webgpu unavailable: ${gpu.description}`);
      continue;
    }
    const failure = await trySetBackend(name, wasmPaths);
    if (failure === null) {
      return { name, requested, notes, ...(name === 'webgpu' ? { adapter: gpu.description } : {}) };
    }
    notes.push(`${name} failed: ${failure}`);
  }
  throw new Error(`no tfjs backend could be initialised: ${notes.join('; ')}`);
}

/** Resolves when the running WebGPU device is lost (never, for other backends). */
export function deviceLost(): Promise<string> {
  const backend = tf.backend() as unknown as { device?: { lost?: Promise<{ message?: string }> } };
  const lost = backend.device?.lost;
  return lost ? lost.then((info) => info.message || 'device lost') : new Promise<string>(() => undefined);
}

/** Destroys the running WebGPU device (a test hook for the device-loss fallback). */
export function destroyDevice(): boolean {
  const backend = tf.backend() as unknown as { device?: { destroy?: () => void } };
  if (!backend.device?.destroy) return false;
  backend.device.destroy();
  return true;
}
