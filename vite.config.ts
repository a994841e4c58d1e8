import { defineConfig } from 'vite';

// React JSX is compiled by Vite's built-in esbuild transform (automatic runtime); no plugin needed.
export default defineConfig({
  esbuild: { jsx: 'automatic' },
  // csv-parse's Node build needs Buffer; its browser build bundles what it needs.
  resolve: { alias: { 'csv-parse/sync': 'csv-parse/browser/esm/sync' } },
  build: { target: 'es2022', outDir: 'dist', sourcemap: true },
  // The scoring worker imports tfjs backends on demand, which needs module workers.
  worker: { format: 'es' },
  preview: { host: '127.0.0.1', port: 4173, strictPort: true },
  server: { host: '127.0.0.1', port: 5173 },
});
