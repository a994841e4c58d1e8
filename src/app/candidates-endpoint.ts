import type { CandidatesEndpoint } from './engine/messages.js';

/**
 * A vector index that proposes each session's candidates (`npm run cli -- serve`, LanceDB), set
 * when the app is built: `VITE_CANDIDATES_ENDPOINT=http://127.0.0.1:4300 npm run build` (or a
 * path such as `/vectors` behind the site's own reverse proxy); `VITE_CANDIDATES_N` candidates
 * per session (default 200). The Content-Security-Policy then allows that origin
 * (src/security/csp.ts). The session's embedding is sent there: the page says so in each model
 * column that re-ranks the candidates. Unset (the default), nothing leaves the device.
 */
const endpoint = import.meta.env.VITE_CANDIDATES_ENDPOINT as string | undefined;
const n = Number(import.meta.env.VITE_CANDIDATES_N ?? 200);
export const CANDIDATES_ENDPOINT: CandidatesEndpoint | null = endpoint ? { endpoint, n: Number.isInteger(n) && n > 0 ? n : 200 } : null;
