import { describe, expect, it } from 'vitest';
import { explainClaim } from '../../src-servers/trace/index.js';

const USED = ['iss', 'sub', 'aud', 'client_id', 'jti', 'iat', 'exp', 'email', 'email_verified', 'name', 'phone_number',
  'phone_number_verified', 'amr', 'auth_time', 'resource', 'scope', 'agent_platform', 'agent_context_id', 'events',
  'sid', 'nonce', 'typ', 'alg', 'kid'];

describe('explainClaim', () => {
  it('explains every claim and header field the protocol uses, in one line each, all different', () => {
    const lines = USED.map(explainClaim);
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
