import { resolve } from 'node:path';
import { defineConfig, type Plugin } from 'vite';

/**
 * Library mode inlines every `?url` asset as a base64 data URL; the WASM runtimes (tfjs,
 * onnxruntime-web: MBs) must stay files, fetched only when used. Vite's `?no-inline` does that.
 */
function runtimeFilesNotInlined(): Plugin {
  return {
    name: 'runtime-files-not-inlined',
    enforce: 'pre',
    // onnxruntime-web's fallback `new URL('ort-....wasm', import.meta.url)` (unused: the embedding
    // worker always sets wasmPaths) would otherwise be inlined twice (70 MB). Turning the base into
    // an expression keeps the runtime meaning and stops Vite from treating it as an asset.
    transform(code, id) {
      if (!id.includes('onnxruntime-web') && !id.includes('@huggingface/transformers')) return null;
      const out = code.replace(/new URL\((['"`][^'"`]+\.(?:wasm|mjs)['"`]),\s*import\.meta\.url\)/g, 'new URL($1, "" + import.meta.url)');
      return out === code ? null : { code: out, map: null };
    },
    async resolveId(source, importer) {
      if (!/\.(wasm|mjs)\?url$/.test(source)) return null;
      const r = await this.resolve(source.replace(/\?url$/, ''), importer, { skipSelf: true });
      return r ? `${r.id}?url&no-inline` : null;
    },
  };
}

/**
 * The library build (`npm run build:lib` -> dist-lib/): ESM entry points `llmseqrec` and
 * `llmseqrec/react`; React stays a peer dependency. The scoring worker (and the embedding
 * worker, loaded only by addItem) are emitted as separate files next to the entries, with
 * the tfjs WASM binaries they load.
 */
export default defineConfig({
  esbuild: { jsx: 'automatic' },
  plugins: [runtimeFilesNotInlined()],
  resolve: { alias: { 'csv-parse/sync': 'csv-parse/browser/esm/sync' } },
  publicDir: false,
  // Worker and WASM URLs relative to the bundle (import.meta.url), wherever the shop serves it.
  base: './',
  worker: { format: 'es', plugins: () => [runtimeFilesNotInlined()] },
  build: {
    target: 'es2022',
    outDir: 'dist-lib',
    emptyOutDir: true,
    sourcemap: true,
    copyPublicDir: false,
    lib: {
      entry: { index: resolve(import.meta.dirname, 'src/lib/index.ts'), react: resolve(import.meta.dirname, 'src/lib/react-entry.ts') },
      formats: ['es'],
    },
    rollupOptions: { external: ['react', 'react-dom', 'react/jsx-runtime'] },
  },
});
