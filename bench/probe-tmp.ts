import { chromium } from '@playwright/test';
import { preview } from 'vite';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../e2e/chromium.js';
const server = await preview({ root: '/work/main', preview: { port: 4188, host: '127.0.0.1', strictPort: true }, logLevel: 'warn' });
const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
const ctx = await browser.newContext();
const page = await ctx.newPage();
await page.addInitScript(() => localStorage.setItem('llmseqrec:session:beauty', JSON.stringify([5788, 12093, 3703])));
const cdp = await ctx.newCDPSession(page);
await cdp.send('Profiler.enable');
await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
await cdp.send('Profiler.start');
await page.goto('http://127.0.0.1:4188/?backend=wasm');
await page.waitForFunction(() => (window.__llmseqrecTimings ?? []).some((t) => t.sessionLength > 0) && window.__llmseqrecStartup?.worker !== undefined, null, { timeout: 120_000 });
const { profile } = await cdp.send('Profiler.stop');
const r = await page.evaluate(() => ({ t: window.__llmseqrecTimings, s: window.__llmseqrecStartup, origin: performance.timeOrigin }));
console.log(JSON.stringify(r.t?.map((x) => [Math.round(x.at), x.sessionLength, Math.round(x.renderedMs)])), 'spawned', Math.round(r.s!.spawnedAt), 'ready', Math.round(r.s!.readyAt!));
// self time per function within [ready, sent]
const sent = r.t!.find((x) => x.sessionLength > 0)!;
const lo = r.s!.readyAt!, hi = sent.at;
const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
const self = new Map<string, number>();
let t = profile.startTime; // microseconds, monotonic
// convert: performance.now() = (monotonic - timeOrigin) ; approximate using the first sample as navigation ~ 0
const samples = profile.samples!, deltas = profile.timeDeltas!;
const startMs = profile.startTime / 1000;
let total = 0;
for (let i = 0; i < samples.length; i++) {
  t += deltas[i];
  const ms = t / 1000 - startMs; // since profiler start (~navigation)
  if (ms < lo || ms > hi) continue;
  const n = nodes.get(samples[i])!;
  const key = `${n.callFrame.functionName || '(anon)'} ${n.callFrame.url.split('/').pop()}:${n.callFrame.lineNumber}`;
  self.set(key, (self.get(key) ?? 0) + deltas[i] / 1000);
  total += deltas[i] / 1000;
}
console.log('window', Math.round(lo), Math.round(hi), 'sampled ms', Math.round(total));
console.log([...self].sort((a, b) => b[1] - a[1]).slice(0, 25).map(([k, v]) => `${v.toFixed(1)} ${k}`).join('\n'));
await browser.close();
await server.close();
