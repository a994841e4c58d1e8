/**
 * How the tests and the browser bench launch Debian's Chromium (never a downloaded browser):
 * no background networking (the network is closed), no DNS except localhost, and WebGPU
 * exposed through SwiftShader by --enable-unsafe-webgpu when asked.
 */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export const CHROMIUM_ARGS = [
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  // 127.0.0.2: a loopback listener the CSP test uses as "another origin".
  '--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE localhost , EXCLUDE 127.0.0.1 , EXCLUDE 127.0.0.2',
];

export const WEBGPU_ARG = '--enable-unsafe-webgpu';
