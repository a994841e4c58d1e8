/**
 * The app's Content-Security-Policy, in one place. vite.config.ts sends it as an HTTP header
 * from the dev server and `vite preview` (`npm start`), writes it into index.html as a <meta>
 * fallback, and emits `dist/_headers` for static hosts; the README shows the same header for
 * nginx. A <meta> policy alone does not bind Web Workers (a dedicated worker takes the policy
 * of its script's response) and cannot carry frame-ancestors: the header is what counts.
 *
 * - connect-src 'self' blob: data:  fetch/XHR/WebSocket/beacons only to this origin; blob: and
 *   data: URLs are in-memory (transformers.js and onnxruntime-web read the model from them).
 * - script-src 'wasm-unsafe-eval'  compiling the tfjs and onnxruntime WebAssembly; no JS eval.
 * - worker-src 'self' blob:  the scoring and embedding workers (and onnxruntime's blob proxy).
 * - style-src 'unsafe-inline'  React style attributes (the bar charts).
 * - form-action 'self', base-uri 'none', object-src 'none', frame-ancestors 'none': no form
 *   can post the session elsewhere, no <base> can redirect relative URLs, no plugins, no
 *   framing by another site.
 */
export const CSP_DIRECTIVES: Readonly<Record<string, string>> = {
  'default-src': "'self'",
  'script-src': "'self' 'wasm-unsafe-eval'",
  'style-src': "'self' 'unsafe-inline'",
  'connect-src': "'self' blob: data:",
  'worker-src': "'self' blob:",
  'img-src': "'self' data:",
  'font-src': "'self'",
  'object-src': "'none'",
  'base-uri': "'none'",
  'form-action': "'self'",
  'frame-ancestors': "'none'",
};

/** Directives a <meta> policy may not hold (browsers ignore them there). */
const HEADER_ONLY = new Set(['frame-ancestors', 'report-uri', 'sandbox']);

export function cspHeaderValue(): string {
  return Object.entries(CSP_DIRECTIVES)
    .map(([k, v]) => `${k} ${v}`)
    .join('; ');
}

export function cspMetaValue(): string {
  return Object.entries(CSP_DIRECTIVES)
    .filter(([k]) => !HEADER_ONLY.has(k))
    .map(([k, v]) => `${k} ${v}`)
    .join('; ');
}

/** Every response of the servers the project ships (pages, worker scripts, artifacts). */
export function securityHeaders(): Record<string, string> {
  return {
    'Content-Security-Policy': cspHeaderValue(),
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
  };
}
