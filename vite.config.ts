import { resolve } from 'node:path';
import { defineConfig, type Plugin } from 'vite';
import { VitePWA } from 'vite-plugin-pwa';
import { cspMetaValue, securityHeaders } from './src/security/csp.js';

/**
 * Endpoints set at build time whose origins the policy allows: an OpenAI-compatible endpoint
 * the page may offer for LLMSeqPrompt (off until the shopper turns it on) and a vector index
 * proposing candidates (src/app/candidates-endpoint.ts).
 */
const ENDPOINTS = { llm: process.env.VITE_LLM_ENDPOINT || undefined, candidates: process.env.VITE_CANDIDATES_ENDPOINT || undefined };

/**
 * `/vectors/*` on the app's own origin goes to a local `npm run cli -- serve` (port 4300, or
 * CANDIDATES_PORT): the same-origin reverse proxy the README recommends for production, so
 * `{ candidates: { endpoint: '/vectors' } }` (or VITE_CANDIDATES_ENDPOINT=/vectors) needs no
 * CSP or CORS change. Nothing is requested there unless a page is configured to.
 */
const VECTORS_PROXY = {
  '/vectors': { target: `http://127.0.0.1:${process.env.CANDIDATES_PORT ?? 4300}`, rewrite: (p: string) => p.replace(/^\/vectors/, '') },
};

/**
 * The Content-Security-Policy from src/security/csp.ts: an HTTP header on every response of
 * the dev server and `vite preview` (worker scripts included: a <meta> tag does not bind
 * workers), the same policy as a <meta> fallback in index.html, and `dist/_headers` for
 * static hosts that read one (Netlify, Cloudflare Pages).
 */
function contentSecurityPolicy(): Plugin {
  return {
    name: 'llmseqrec-csp',
    transformIndexHtml: (html) => html.replace('__CSP_POLICY__', cspMetaValue(ENDPOINTS)),
    generateBundle() {
      const lines = Object.entries(securityHeaders(ENDPOINTS)).map(([k, v]) => `  ${k}: ${v}`);
      this.emitFile({ type: 'asset', fileName: '_headers', source: `/*\n${lines.join('\n')}\n` });
    },
  };
}

// React JSX is compiled by Vite's built-in esbuild transform (automatic runtime); no plugin needed.
export default defineConfig({
  esbuild: { jsx: 'automatic' },
  plugins: [
    contentSecurityPolicy(),
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
  resolve: {
    alias: [
      { find: 'csv-parse/sync', replacement: 'csv-parse/browser/esm/sync' },
      // The storefront and the library demo page import the package by its name, as a shop would.
      { find: /^llmseqrec\/react$/, replacement: resolve(import.meta.dirname, 'src/lib/react-entry.ts') },
      { find: /^llmseqrec$/, replacement: resolve(import.meta.dirname, 'src/lib/index.ts') },
    ],
  },
  build: {
    target: 'es2022',
    outDir: 'dist',
    sourcemap: true,
    rollupOptions: { input: { main: resolve(import.meta.dirname, 'index.html'), library: resolve(import.meta.dirname, 'library-demo.html') } },
  },
  // The scoring worker imports tfjs backends on demand, which needs module workers.
  worker: { format: 'es' },
  preview: { host: '127.0.0.1', port: 4173, strictPort: true, headers: securityHeaders(ENDPOINTS), proxy: VECTORS_PROXY },
  server: { host: '127.0.0.1', port: 5173, headers: securityHeaders(ENDPOINTS), proxy: VECTORS_PROXY },
});
