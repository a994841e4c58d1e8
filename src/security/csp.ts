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
 *   else: the shopper still has to turn it on in the page. Likewise a candidates endpoint
 *   (`VITE_CANDIDATES_ENDPOINT`, src/app/candidates-endpoint.ts) on another origin.
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

/** Endpoints configured at build time whose origins connect-src allows (besides this one). */
export interface ConnectEndpoints {
  /** `VITE_LLM_ENDPOINT`: an OpenAI-compatible endpoint for LLMSeqPrompt (src/app/remote-llm.ts). */
  readonly llm?: string;
  /** `VITE_CANDIDATES_ENDPOINT`: a vector index proposing candidates (src/app/candidates-endpoint.ts); a path stays on this origin. */
  readonly candidates?: string;
}

const VARIABLES: Record<keyof ConnectEndpoints, string> = { llm: 'VITE_LLM_ENDPOINT', candidates: 'VITE_CANDIDATES_ENDPOINT' };

/** The origin of a configured endpoint, or null (none, or a path on this origin); a malformed one is an error naming the variable. */
export function endpointOrigin(endpoint: string | undefined, variable = VARIABLES.llm): string | null {
  if (!endpoint || endpoint.startsWith('/')) return null;
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    throw new Error(`${variable}: "${endpoint}" is not a URL (e.g. http://127.0.0.1:8080/v1)`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new Error(`${variable}: "${endpoint}" must be an http(s) URL`);
  return url.origin;
}

function directives(endpoints: ConnectEndpoints = {}): [string, string][] {
  const origins = [
    ...new Set(
      (Object.keys(VARIABLES) as (keyof ConnectEndpoints)[]).flatMap((k) => {
        const o = endpointOrigin(endpoints[k], VARIABLES[k]);
        return o ? [o] : [];
      }),
    ),
  ];
  return Object.entries(CSP_DIRECTIVES).map(([k, v]) => [k, k === 'connect-src' && origins.length ? `${v} ${origins.join(' ')}` : v]);
}

export function cspHeaderValue(endpoints?: ConnectEndpoints): string {
  return directives(endpoints)
    .map(([k, v]) => `${k} ${v}`)
    .join('; ');
}

export function cspMetaValue(endpoints?: ConnectEndpoints): string {
  return directives(endpoints)
    .filter(([k]) => !HEADER_ONLY.has(k))
    .map(([k, v]) => `${k} ${v}`)
    .join('; ');
}

/** Every response of the servers the project ships (pages, worker scripts, artifacts). */
export function securityHeaders(endpoints?: ConnectEndpoints): Record<string, string> {
  return {
    'Content-Security-Policy': cspHeaderValue(endpoints),
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
  };
}
