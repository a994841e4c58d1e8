import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cspHeaderValue, cspMetaValue } from '../src/security/csp.js';
import { ROOT } from '../src/node/paths.js';

describe('the Content-Security-Policy has one source', () => {
  it('the README documents exactly the header the servers send, with the strict directives', () => {
    const policy = cspHeaderValue();
    for (const d of ["connect-src 'self' blob: data:", "form-action 'self'", "base-uri 'none'", "object-src 'none'", "frame-ancestors 'none'"]) expect(policy).toContain(d);
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    expect(readme.split(policy).length - 1).toBe(2); // the policy block and the nginx snippet
    expect(cspMetaValue()).not.toContain('frame-ancestors'); // not allowed in a <meta> policy
    expect(readFileSync(join(ROOT, 'index.html'), 'utf8')).toContain('content="__CSP_POLICY__"');
  });
});

describe('an OpenAI-compatible endpoint for LLMSeqPrompt', () => {
  it('adds exactly its origin to connect-src, and a malformed one is an error naming the variable', () => {
    expect(cspHeaderValue({ llm: 'http://127.0.0.1:8080/v1' })).toContain("connect-src 'self' blob: data: http://127.0.0.1:8080;");
    expect(cspHeaderValue({ llm: 'https://api.example.com/v1/' })).toContain("connect-src 'self' blob: data: https://api.example.com;");
    expect(cspHeaderValue()).toContain("connect-src 'self' blob: data:;");
    expect(() => cspHeaderValue({ llm: 'not a url' })).toThrow(/VITE_LLM_ENDPOINT: "not a url" is not a URL/);
    expect(() => cspHeaderValue({ llm: 'ftp://x/v1' })).toThrow(/must be an http\(s\) URL/);
  });
});

describe('a candidates endpoint (a vector index outside the browser)', () => {
  it('adds its origin next to the LLM endpoint\'s, once; a path stays on this origin', () => {
    const both = cspHeaderValue({ llm: 'http://127.0.0.1:8080/v1', candidates: 'http://127.0.0.1:4300' });
    expect(both).toContain("connect-src 'self' blob: data: http://127.0.0.1:8080 http://127.0.0.1:4300;");
    expect(cspHeaderValue({ llm: 'http://127.0.0.1:4300/v1', candidates: 'http://127.0.0.1:4300' })).toContain("connect-src 'self' blob: data: http://127.0.0.1:4300;");
    expect(cspHeaderValue({ candidates: '/vectors' })).toContain("connect-src 'self' blob: data:;");
    expect(() => cspHeaderValue({ candidates: 'lancedb' })).toThrow(/VITE_CANDIDATES_ENDPOINT: "lancedb" is not a URL/);
  });
});
