import type { RemoteLlm } from './engine/messages.js';

/**
 * An OpenAI-compatible endpoint the page may offer for LLMSeqPrompt (a fine-tuned OpenAI model
 * behind a proxy, or llama.cpp / vLLM / Ollama), set when the app is built:
 * `VITE_LLM_ENDPOINT=http://127.0.0.1:8080/v1 VITE_LLM_MODEL=<model id> npm run build`. The
 * Content-Security-Policy then allows that origin and no other (src/security/csp.ts). It is off
 * until the shopper turns it on, and the page says that the session's product names then leave
 * the device. No API key is put into the bundle: a public page would publish it; put a key on
 * the proxy in front of the endpoint.
 */
const endpoint = import.meta.env.VITE_LLM_ENDPOINT as string | undefined;
export const REMOTE_LLM: RemoteLlm | null = endpoint ? { endpoint, model: (import.meta.env.VITE_LLM_MODEL as string | undefined) ?? 'llmseqprompt' } : null;
