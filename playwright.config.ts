import { defineConfig } from '@playwright/test';
import { CHROMIUM_ARGS, CHROMIUM_PATH, WEBGPU_ARG } from './e2e/chromium.js';

/**
 * End-to-end tests in Debian's Chromium (never a downloaded browser). WebGPU is exposed by
 * --enable-unsafe-webgpu (SwiftShader's software adapter here); a project without the flag
 * has no WebGPU adapter, which is how the fallback is tested.
 */
const executablePath = CHROMIUM_PATH;
const baseArgs = CHROMIUM_ARGS;
/** E2E_PORT lets several checkouts run their suites side by side without reusing each other's server. */
const port = Number(process.env.E2E_PORT ?? 4173);
/**
 * The test build offers an OpenAI-compatible endpoint for LLMSeqPrompt (off until turned on in
 * the page); nothing listens there: e2e/remote-llm.spec.ts answers its requests with page.route.
 */
export const E2E_LLM_ENDPOINT = 'http://127.0.0.1:4391/v1';

/**
 * e2e/candidates.spec.ts starts a real `cli serve` (LanceDB) on this port; `vite preview`
 * proxies /vectors/* to it (vite.config.ts), so the library reaches it on the app's own origin.
 */
export const E2E_CANDIDATES_PORT = Number(process.env.E2E_CANDIDATES_PORT ?? port + 219);

export default defineConfig({
  testDir: 'e2e',
  outputDir: 'test-results',
  timeout: 90_000,
  expect: { timeout: 30_000 },
  workers: 1,
  retries: 0,
  reporter: [['list']],
  use: {
    browserName: 'chromium',
    headless: true,
    baseURL: `http://127.0.0.1:${port}`,
    screenshot: 'only-on-failure',
  },
  projects: [
    { name: 'webgpu-flag', testIgnore: /no-webgpu\.spec\.ts/, use: { launchOptions: { executablePath, args: [...baseArgs, WEBGPU_ARG] } } },
    { name: 'no-webgpu', testMatch: /no-webgpu\.spec\.ts/, use: { launchOptions: { executablePath, args: baseArgs } } },
  ],
  webServer: {
    command: `npx vite build && npx vite preview --host 127.0.0.1 --port ${port} --strictPort`,
    url: `http://127.0.0.1:${port}/`,
    reuseExistingServer: !process.env.CI,
    timeout: 180_000,
    env: { VITE_LLM_ENDPOINT: E2E_LLM_ENDPOINT, VITE_LLM_MODEL: 'ft:babbage-002:shop:beauty', CANDIDATES_PORT: String(E2E_CANDIDATES_PORT) },
  },
});
