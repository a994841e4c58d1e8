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
