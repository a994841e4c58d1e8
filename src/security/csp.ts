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
 * - With an OpenAI-compatible endpoint configured at build time (`VITE_LLM_ENDPOINT`, see
 *   src/app/remote-llm.ts), connect-src also allows exactly that endpoint's origin, and nothing
 *   else: the shopper still has to turn it on in the page.
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

/** The origin of a configured LLM endpoint, or null; a malformed one is an error naming the variable. */
export function llmEndpointOrigin(endpoint: string | undefined): string | null {
  if (!endpoint) return null;
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    throw new Error(`VITE_LLM_ENDPOINT: "${endpoint}" is not a URL (e.g. http://127.0.0.1:8080/v1)`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new Error(`VITE_LLM_ENDPOINT: "${endpoint}" must be an http(s) URL`);
  return url.origin;
}

function directives(llmEndpoint?: string): [string, string][] {
  const origin = llmEndpointOrigin(llmEndpoint);
  return Object.entries(CSP_DIRECTIVES).map(([k, v]) => [k, k === 'connect-src' && origin ? `${v} ${origin}` : v]);
}

export function cspHeaderValue(llmEndpoint?: string): string {
  return directives(llmEndpoint)
    .map(([k, v]) => `${k} ${v}`)
    .join('; ');
}

export function cspMetaValue(llmEndpoint?: string): string {
  return directives(llmEndpoint)
    .filter(([k]) => !HEADER_ONLY.has(k))
    .map(([k, v]) => `${k} ${v}`)
    .join('; ');
}

/** Every response of the servers the project ships (pages, worker scripts, artifacts). */
export function securityHeaders(llmEndpoint?: string): Record<string, string> {
  return {
    'Content-Security-Policy': cspHeaderValue(llmEndpoint),
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
  };
}
