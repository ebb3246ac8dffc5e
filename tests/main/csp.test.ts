import { describe, expect, it } from 'vitest';
import { shouldApplyCsp, studioCsp, withCsp } from '../../src-main/csp.js';
import { appOrigins } from '../../src-main/security.js';

const origins = appOrigins({
  studio: 'http://127.0.0.1:5178',
  service: 'http://127.0.0.1:8000',
  provider: 'http://127.0.0.1:4000',
  mailbox: 'http://127.0.0.1:8025',
});

/** Parse "a x y; b z" into { a: ['x','y'], b: ['z'] }. */
function directives(policy: string): Record<string, string[]> {
  return Object.fromEntries(
    policy.split(';').map((d) => {
      const [name, ...values] = d.trim().split(/\s+/);
      return [name, values];
    }),
  );
}

describe('studioCsp', () => {
  const policy = directives(studioCsp(origins));

  it("defaults every fetch to the studio's own origin", () => {
    expect(policy['default-src']).toEqual(["'self'"]);
  });
  it('runs only bundled scripts: no inline script, no eval', () => {
    expect(policy['script-src']).toEqual(["'self'"]);
    expect(studioCsp(origins)).not.toContain('unsafe-eval');
    expect(policy['script-src']).not.toContain("'unsafe-inline'");
  });
  it('lets the page call and frame exactly the three role servers', () => {
    for (const d of ['connect-src', 'frame-src', 'form-action']) {
      expect(policy[d]).toEqual(["'self'", 'http://127.0.0.1:8000', 'http://127.0.0.1:4000', 'http://127.0.0.1:8025']);
    }
  });
  it('allows no plugins, no <base> rewriting and no framing of the studio itself', () => {
    expect(policy['object-src']).toEqual(["'none'"]);
    expect(policy['base-uri']).toEqual(["'none'"]);
    expect(policy['frame-ancestors']).toEqual(["'none'"]);
  });
  it('never widens to wildcards or other schemes', () => {
    const text = studioCsp(origins);
    expect(text).not.toMatch(/\s\*|https?:\s|https?:\/\/\*|ws:|file:/);
  });
});

describe('shouldApplyCsp', () => {
  it('applies to everything the studio serves and to nothing else', () => {
    expect(shouldApplyCsp('http://127.0.0.1:5178/', origins)).toBe(true);
    expect(shouldApplyCsp('http://127.0.0.1:5178/assets/index-abc.js', origins)).toBe(true);
    // Role pages keep their own headers (frame-ancestors that lets the studio frame them).
    expect(shouldApplyCsp('http://127.0.0.1:4000/consent', origins)).toBe(false);
    expect(shouldApplyCsp('https://example.com/', origins)).toBe(false);
    expect(shouldApplyCsp('devtools://devtools/bundled/inspector.html', origins)).toBe(false);
    expect(shouldApplyCsp('garbage', origins)).toBe(false);
  });
});

describe('withCsp', () => {
  it('replaces a server-sent policy whatever the header case, keeping other headers', () => {
    const out = withCsp(
      { 'content-type': ['text/html'], 'content-security-policy': ["default-src *"], 'Content-Security-Policy': ['script-src *'] },
      "default-src 'self'",
    );
    expect(out).toEqual({ 'content-type': ['text/html'], 'Content-Security-Policy': ["default-src 'self'"] });
  });
  it('adds the policy when the server sent none, without touching the input', () => {
    const input = { 'cache-control': ['no-store'] };
    expect(withCsp(input, 'x')).toEqual({ 'cache-control': ['no-store'], 'Content-Security-Policy': ['x'] });
    expect(input).toEqual({ 'cache-control': ['no-store'] });
    expect(withCsp(undefined, 'x')).toEqual({ 'Content-Security-Policy': ['x'] });
  });
});
