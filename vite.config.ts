import { defineConfig } from 'vite';
import { VitePWA } from 'vite-plugin-pwa';

// React JSX is compiled by Vite's built-in esbuild transform (automatic runtime); no plugin needed.
export default defineConfig({
  esbuild: { jsx: 'automatic' },
  plugins: [
    // Offline after the first visit: src/sw/sw.ts (Workbox) precaches the shell listed here and
    // caches the dataset artifacts by their manifest hashes. Registered by src/app/offline.ts;
    // no web-app manifest (the page stays a page).
    VitePWA({
      strategies: 'injectManifest',
      srcDir: 'src/sw',
      filename: 'sw.ts',
      injectRegister: false,
      manifest: false,
      injectManifest: {
        rollupFormat: 'iife',
        globPatterns: ['**/*.{html,js,css,wasm}'],
        // Artifacts are cached by hash at run time; the local-embedding runtime (27 MB) only when used.
        globIgnores: ['models/**', '**/ort-wasm*'],
        maximumFileSizeToCacheInBytes: 8 * 1024 * 1024,
      },
    }),
  ],
  // csv-parse's Node build needs Buffer; its browser build bundles what it needs.
  resolve: { alias: { 'csv-parse/sync': 'csv-parse/browser/esm/sync' } },
  build: { target: 'es2022', outDir: 'dist', sourcemap: true },
  // The scoring worker imports tfjs backends on demand, which needs module workers.
  worker: { format: 'es' },
  preview: { host: '127.0.0.1', port: 4173, strictPort: true },
  server: { host: '127.0.0.1', port: 5173 },
});
