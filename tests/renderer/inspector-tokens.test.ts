/**
 * The inspector's Tokens tab and tabs, as pure functions (src-renderer/components/jwtParts.ts,
 * claimsAcross.ts, inspectorTabs.ts): the raw token read back from where the trace found it, masked
 * while secrets are hidden; the expiry countdown's words; every JWT of a run in order with the cells
 * that changed; which tab shows.
 */
import { SignJWT, decodeJwt, decodeProtectedHeader, generateKeyPair } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { tokensAcross } from '../../src-renderer/components/claimsAcross.js';
import { shownTab, tabsFor } from '../../src-renderer/components/inspectorTabs.js';
import { compactParts, expiryText, rawToken } from '../../src-renderer/components/jwtParts.js';
import { maskedUrl } from '../../src-renderer/components/secrets.js';
import type { DecodedJwt, Exchange } from '../../src-renderer/types.js';

let seq = 0;
function ex(over: Partial<Exchange> = {}): Exchange {
  seq += 1;
  return {
    id: `ex-${seq}`, traceId: 'trc-1', seq, from: 'Agent', to: 'Service', method: 'POST',
    url: 'http://127.0.0.1:8000/agent/auth', requestHeaders: {}, requestBody: null, status: 200,
    responseHeaders: {}, responseBody: null, startedAt: new Date(1_900_000_000_000 + seq).toISOString(), durationMs: 1,
    jwts: [], secrets: [], ...over,
  };
}

let key: CryptoKey;
beforeAll(async () => {
  key = (await generateKeyPair('ES256')).privateKey as CryptoKey;
});
const sign = (claims: Record<string, unknown>, typ?: string) =>
  new SignJWT(claims).setProtectedHeader({ alg: 'ES256', kid: 'k1', ...(typ ? { typ } : {}) }).sign(key);
const decoded = (token: string, where: string): DecodedJwt => ({
  where, header: decodeProtectedHeader(token) as Record<string, unknown>, claims: decodeJwt(token) as Record<string, unknown>,
  signature: { status: 'unverified', reason: 'test' },
});

describe('the raw token, colour-split', () => {
  it('is read back from a JSON body, a bearer header, a form field and a whole body', async () => {
    const t = await sign({ iss: 'i', jti: '1' });
    const json = ex({ requestHeaders: { 'content-type': 'application/json' }, requestBody: JSON.stringify({ assertion: t }) });
    expect(rawToken(json, decoded(t, 'request.body.assertion'))).toBe(t);
    const bearer = ex({ requestHeaders: { authorization: `Bearer ${t}` } });
    expect(rawToken(bearer, decoded(t, 'request.headers.authorization'))).toBe(t);
    const form = ex({ requestHeaders: { 'content-type': 'application/x-www-form-urlencoded' }, requestBody: `grant_type=x&assertion=${t}` });
    expect(rawToken(form, decoded(t, 'request.body.assertion'))).toBe(t);
    const whole = ex({ requestHeaders: { 'content-type': 'application/logout+jwt' }, requestBody: `${t}\n` });
    expect(rawToken(whole, decoded(t, 'request.body'))).toBe(t);
  });

  it('picks, in a page embedding two tokens, the one decoded at that place', async () => {
    const [a, b] = [await sign({ n: 1 }), await sign({ n: 2 })];
    const page = ex({ responseHeaders: { 'content-type': 'text/html' }, responseBody: `<p>${a}</p><p>${b}</p>` });
    expect(rawToken(page, decoded(b, 'response.body'))).toBe(b);
  });

  it('is null when the place no longer holds that token (nothing made up)', async () => {
    const [a, b] = [await sign({ n: 1 }), await sign({ n: 2 })];
    expect(rawToken(ex({ requestHeaders: { authorization: `Bearer ${a}` } }), decoded(b, 'request.headers.authorization'))).toBeNull();
  });

  it('splits into header, payload, signature; a secret one is masked until revealed', async () => {
    const t = await sign({ iss: 'i' });
    const [h, p, s] = t.split('.');
    const e = ex({ requestHeaders: { 'content-type': 'application/json' }, requestBody: JSON.stringify({ assertion: t }), secrets: ['request.body.assertion'] });
    expect(compactParts(e, decoded(t, 'request.body.assertion'), true)).toEqual({ header: h, payload: p, signature: s, masked: false });
    const masked = compactParts(e, decoded(t, 'request.body.assertion'), false)!;
    expect(masked.masked).toBe(true);
    expect(masked.header).toBe(`${h.slice(0, 6)}••••••`);
    expect(`${masked.header}${masked.payload}${masked.signature}`).not.toContain(s.slice(0, 10));
    // Not marked secret (an id_token echoed in a public page, say): shown whole.
    expect(compactParts({ ...e, secrets: [] }, decoded(t, 'request.body.assertion'), false)?.masked).toBe(false);
    // A whole body marked secret covers the token in it.
    const whole = ex({ requestHeaders: { 'content-type': 'application/logout+jwt' }, requestBody: t, secrets: ['request.body'] });
    expect(compactParts(whole, decoded(t, 'request.body'), false)?.masked).toBe(true);
  });
});

describe('expiry countdown', () => {
  const exp = 1_900_000_000;
  it('counts down in minutes and seconds, then says how long ago it expired', () => {
    expect(expiryText(exp, (exp - 252) * 1000)).toBe('expires in 4 min 12 s');
    expect(expiryText(exp, (exp - 59.5) * 1000)).toBe('expires in 1 min');
    expect(expiryText(exp, (exp - 9) * 1000)).toBe('expires in 9 s');
    expect(expiryText(exp, (exp - 3600) * 1000)).toBe('expires in 1 h');
    expect(expiryText(exp, (exp + 190) * 1000)).toBe('expired 3 min ago');
    expect(expiryText(exp, (exp + 5) * 1000)).toBe('expired 5 s ago');
    expect(expiryText(exp, (exp + 2 * 86400 + 3 * 3600) * 1000)).toBe('expired 2 d 3 h ago');
  });
});

describe('claims across tokens', () => {
  it('one row per token in wire order, the cells that changed from the token before marked', async () => {
    const P = 'http://127.0.0.1:4000';
    const S = 'http://127.0.0.1:8000';
    const idToken = await sign({ iss: P, aud: 'agent-client', azp: 'agent-client', sub: 'usr_1', nonce: 'n', exp: 1_900_000_600 });
    const idJag = await sign({ iss: P, aud: S, sub: 'usr_1', client_id: `${P}/agent-auth.json`, jti: 'j', exp: 1_900_000_300 }, 'oauth-id-jag+jwt');
    const logout = await sign({ iss: P, aud: S, sub: 'usr_1', jti: 'l', events: {} }, 'logout+jwt');
    const login = ex({ to: 'Provider', url: `${P}/login`, jwts: [decoded(idToken, 'response.body.id_token')] });
    const mint = ex({ to: 'Provider', url: `${P}/oauth2/token`, jwts: [decoded(idToken, 'request.body.subject_token'), decoded(idJag, 'response.body.access_token')] });
    const register = ex({ jwts: [decoded(idJag, 'request.body.assertion')] });
    const revoke = ex({ from: 'Provider', jwts: [decoded(logout, 'request.body')] });
    // Handed over out of order: the rows follow the wire (when each request was sent).
    const rows = tokensAcross([revoke, mint, register, login]);
    expect(rows.map((r) => [r.name, r.exchangeId, r.cells.aud, r.cells.client, r.changed])).toEqual([
      ['ID token', login.id, 'agent-client', 'agent-client', []],
      ['ID-JAG', mint.id, S, `${P}/agent-auth.json`, ['aud', 'client', 'exp']],
      ['Logout token', revoke.id, S, '—', ['client', 'exp']],
    ]);
  });
});

describe('tabs', () => {
  it('Tokens only when the exchange carries JWTs, the default then; else Response; a chosen tab is kept where it exists', async () => {
    const t = await sign({ iss: 'i' });
    const withJwt = ex({ jwts: [decoded(t, 'request.body.assertion')] });
    const plain = ex();
    expect(tabsFor(withJwt)).toEqual(['request', 'response', 'tokens', 'code']);
    expect(tabsFor(plain)).toEqual(['request', 'response', 'code']);
    expect(shownTab(withJwt, null)).toBe('tokens');
    expect(shownTab(plain, null)).toBe('response');
    expect(shownTab(plain, 'code')).toBe('code');
    expect(shownTab(plain, 'tokens')).toBe('response');
    expect(shownTab(withJwt, 'request')).toBe('request');
  });
});

describe('the URL on screen', () => {
  it('masks the claim link\'s token in the query until revealed', () => {
    const e = ex({ method: 'GET', url: 'http://127.0.0.1:8000/agent/auth/claim/view?token=cv_abcdefghijklmnop&x=1', secrets: ['request.query.token', 'request.url'] });
    expect(maskedUrl(e, false)).toMatch(/^http:\/\/127\.0\.0\.1:8000\/agent\/auth\/claim\/view\?token=cv_•{6,12}&x=1$/);
    expect(maskedUrl(e, true)).toBe(e.url);
  });
});
