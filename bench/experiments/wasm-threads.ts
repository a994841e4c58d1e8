import { mkdtempSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Worker } from 'node:worker_threads';

/**
 * EXPERIMENT, NOT WORKING YET (issue #10): with this shim the threaded build of tfjs-backend-wasm
 * loads in Node 20 and its 8 pthread workers start, but XNNPACK's pthreadpool still reports 1
 * thread (`getThreadsCount()`), and a 1024x64x12101 matMul uses one core. Probe:
 * `npx tsx bench/experiments/wasm-threads-probe.ts 2`. Not used by the CLI.
 *
 * Lets tfjs-backend-wasm's multi-threaded XNNPACK build (Emscripten pthreads) start in Node.
 * tfjs hands Emscripten its worker script and its main script as Blobs (browser-only: Node's
 * worker_threads load files, not blob: URLs) and reports no thread support in Node
 * (tensorflow/tfjs#3830). Here Blob sources are kept, `URL.createObjectURL` writes them to a
 * temporary file and returns its path, and the main script a pthread worker loads is replaced
 * by that file's path. Call before `tf.setBackend('wasm')`; then set the thread count.
 */
export function enableWasmThreadsInNode(): void {
  const dir = mkdtempSync(join(tmpdir(), 'tfjs-wasm-threads-'));
  let n = 0;
  const toFile = (source: string): string => {
    const path = join(dir, `script-${n++}.js`);
    writeFileSync(path, source);
    return path;
  };
  // The pthread workers load the original factory file (a bundler's copy refers to renamed requires).
  const pkg = createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm/package.json');
  const factoryFile = join(dirname(pkg), 'wasm-out', 'tfjs-backend-wasm-threaded-simd.js');
  const NodeBlob = globalThis.Blob;
  class SourceBlob extends NodeBlob {
    readonly path: string;
    constructor(parts: BlobPart[], options?: BlobPropertyBag) {
      super(parts, options);
      const source = parts.map((p) => (typeof p === 'string' ? p : '')).join('');
      this.path = source.startsWith('var WasmBackendModuleThreadedSimd') ? factoryFile : toFile(source);
    }
  }
  globalThis.Blob = SourceBlob as typeof Blob;
  const create = URL.createObjectURL.bind(URL);
  URL.createObjectURL = (obj: Blob) => (obj instanceof SourceBlob ? obj.path : create(obj));
  const post = Worker.prototype.postMessage;
  Worker.prototype.postMessage = function (this: Worker, msg: unknown, transfer?: readonly import('node:worker_threads').TransferListItem[]) {
    const m = msg as { cmd?: string; urlOrBlob?: unknown } | null;
    if (m && m.cmd === 'load' && m.urlOrBlob instanceof SourceBlob) msg = { ...m, urlOrBlob: m.urlOrBlob.path };
    return post.call(this, msg, transfer);
  };
}
