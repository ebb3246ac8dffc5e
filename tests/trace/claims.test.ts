import { describe, expect, it } from 'vitest';
import { explainClaim, tokenKind } from '../../src-servers/trace/index.js';

const USED = ['iss', 'sub', 'aud', 'client_id', 'jti', 'iat', 'exp', 'email', 'email_verified', 'name', 'phone_number',
  'phone_number_verified', 'amr', 'auth_time', 'resource', 'scope', 'agent_platform', 'agent_context_id', 'events',
  'sid', 'nonce', 'typ', 'alg', 'kid'];

describe('explainClaim', () => {
  it('explains every claim and header field the protocol uses, in one line each, all different', () => {
    const lines = USED.map((name) => explainClaim(name));
    for (const [i, line] of lines.entries()) {
      expect(line, USED[i]).not.toMatch(/not a claim this protocol uses/);
      expect(line, USED[i]).not.toMatch(/\n/);
      expect(line.length, USED[i]).toBeGreaterThan(20);
    }
    expect(new Set(lines).size).toBe(USED.length);
    expect(explainClaim('aud')).toMatch(/issuer/);
    expect(explainClaim('nonce')).toMatch(/must NOT/);
  });

  it('answers a neutral line for names it does not know (and for Object.prototype names)', () => {
    expect(explainClaim('x_custom')).toBe('"x_custom" is not a claim this protocol uses; shown as sent.');
    expect(explainClaim('constructor')).toMatch(/not a claim this protocol uses/);
  });
});

describe('claims explained for the token they are in', () => {
  it('tells an ID-JAG, a logout token and an ID token apart by typ, else by what only each carries', () => {
    expect(tokenKind({ typ: 'oauth-id-jag+jwt' }, { aud: 'x' })).toBe('id-jag');
    expect(tokenKind({ typ: 'logout+jwt' }, {})).toBe('logout-token');
    expect(tokenKind({ typ: 'JWT' }, { events: { 'http://schemas.openid.net/event/backchannel-logout': {} } })).toBe('logout-token');
    expect(tokenKind({ typ: 'JWT' }, { nonce: 'n', aud: 'agent' })).toBe('id-token');
    expect(tokenKind({}, { sub: 'u' })).toBe('jwt');
  });

  it("an ID token's aud is the agent and its exp is not the ID-JAG's minutes; a logout token's iss is the revoking provider", () => {
    expect(explainClaim('aud', 'id-jag')).toMatch(/authorization server issuer/);
    expect(explainClaim('aud', 'id-token')).toMatch(/agent itself/);
    expect(explainClaim('aud', 'id-token')).not.toMatch(/authorization server/);
    expect(explainClaim('exp', 'id-token')).not.toMatch(/ID-JAGs live minutes/);
    expect(explainClaim('exp', 'logout-token')).not.toMatch(/ID-JAGs live minutes/);
    expect(explainClaim('iss', 'id-token')).not.toMatch(/trust list/);
    expect(explainClaim('iss', 'logout-token')).toMatch(/revokes/);
    // Claims that mean the same everywhere keep their one line.
    expect(explainClaim('jti', 'logout-token')).toBe(explainClaim('jti'));
  });
});

describe('v0.6 tokens explained as what they are (PROTOCOL-v0.6.md §2, §4)', () => {
  it('a SET is a security event, not a logout token; a service-signed assertion is not a provider ID-JAG', () => {
    expect(tokenKind({ typ: 'secevent+jwt' }, { events: { x: {} } })).toBe('security-event');
    const svc = 'http://127.0.0.1:8000';
    expect(tokenKind({ typ: 'oauth-id-jag+jwt' }, { iss: svc, aud: svc })).toBe('service-assertion');
    expect(tokenKind({ typ: 'oauth-id-jag+jwt' }, { iss: 'http://127.0.0.1:4000', aud: svc })).toBe('id-jag');
  });

  it("a service assertion's iss and aud are the service itself; a SET's sub ends every link of the triple", () => {
    expect(explainClaim('iss', 'service-assertion')).toMatch(/the service itself/);
    expect(explainClaim('iss', 'service-assertion')).not.toMatch(/trust list/);
    expect(explainClaim('aud', 'service-assertion')).toMatch(/token endpoint/);
    expect(explainClaim('iat', 'security-event')).toMatch(/does not check/);
    expect(explainClaim('events', 'security-event')).toMatch(/schema URI/);
  });
});
