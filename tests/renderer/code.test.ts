/**
 * The Code tab's snippets (src-renderer/components/code.ts): the recorded request as JavaScript fetch
 * and Python requests a learner can paste and run, and the warning when it carries something that
 * works once (PROTOCOL.md §2–§4, PROTOCOL-v0.6.md §2–§4, §6).
 */
import { SignJWT, generateKeyPair } from 'jose';
import { describe, expect, it } from 'vitest';
import { fetchSnippet, oneTimeWarnings, pythonSnippet } from '../../src-renderer/components/code.js';
import { curlCommand } from '../../src-renderer/components/curl.js';
import { maskedRequest } from '../../src-renderer/components/secrets.js';
import type { DecodedJwt, Exchange } from '../../src-renderer/types.js';

function ex(over: Partial<Exchange> = {}): Exchange {
  return {
    id: 'ex-1', traceId: 'trc-1', seq: 1, from: 'Agent', to: 'Service', method: 'GET',
    url: 'http://127.0.0.1:8000/api/resource', requestHeaders: {}, requestBody: null, status: 200,
    responseHeaders: {}, responseBody: null, startedAt: '2030-01-01T00:00:00.000Z', durationMs: 3,
    jwts: [], secrets: [], ...over,
  };
}

const jsonPost = ex({
  method: 'POST', url: 'http://127.0.0.1:8000/agent/auth',
  requestHeaders: { 'content-type': 'application/json', 'user-agent': 'studio-agent', 'x-studio-actor': 'Agent' },
  requestBody: JSON.stringify({ type: 'anonymous', requested_credential_type: 'api_key', verified: true, note: null }),
});
const formPost = ex({
  method: 'POST', url: 'http://127.0.0.1:8000/oauth2/token',
  requestHeaders: { 'content-type': 'application/x-www-form-urlencoded' },
  requestBody: 'grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Ajwt-bearer&assertion=eyJ.a.b',
});
const bearerGet = ex({ requestHeaders: { authorization: 'Bearer at_abcdefghijkl', accept: 'application/json', host: '127.0.0.1:8000' }, secrets: ['request.headers.authorization'] });

describe('JavaScript fetch', () => {
  it('a JSON POST: method, the Content-Type it was sent with, the body as JSON.stringify of the object', () => {
    expect(fetchSnippet(jsonPost)).toBe([
      'const response = await fetch("http://127.0.0.1:8000/agent/auth", {',
      '  method: "POST",',
      '  headers: {',
      '    "content-type": "application/json",',
      '  },',
      '  body: JSON.stringify({',
      '    "type": "anonymous",',
      '    "requested_credential_type": "api_key",',
      '    "verified": true,',
      '    "note": null',
      '  }),',
      '});',
      'console.log(response.status, await response.text());',
    ].join('\n'));
  });

  it('a form POST: the fields decoded, sent as URLSearchParams (fetch encodes them again)', () => {
    expect(fetchSnippet(formPost)).toBe([
      'const response = await fetch("http://127.0.0.1:8000/oauth2/token", {',
      '  method: "POST",',
      '  headers: {',
      '    "content-type": "application/x-www-form-urlencoded",',
      '  },',
      '  body: new URLSearchParams({',
      '    "grant_type": "urn:ietf:params:oauth:grant-type:jwt-bearer",',
      '    "assertion": "eyJ.a.b",',
      '  }),',
      '});',
      'console.log(response.status, await response.text());',
    ].join('\n'));
  });

  it('a GET with a bearer token: no method, the headers a person would send, none of the browser or studio ones', () => {
    expect(fetchSnippet(bearerGet)).toBe([
      'const response = await fetch("http://127.0.0.1:8000/api/resource", {',
      '  headers: {',
      '    "authorization": "Bearer at_abcdefghijkl",',
      '    "accept": "application/json",',
      '  },',
      '});',
      'console.log(response.status, await response.text());',
    ].join('\n'));
  });

  it('masked for the screen: the bearer token keeps its prefix, the rest is dots', () => {
    const shown = fetchSnippet(maskedRequest(bearerGet));
    expect(shown).toMatch(/"authorization": "Bearer at_•{6,12}",/);
    expect(shown).not.toContain('abcdefghijkl');
  });
});

describe('masked on screen', () => {
  it('the claim link\'s token in the query is masked in every snippet, as in headers and bodies (PROTOCOL.md §3, §7)', () => {
    const link = ex({ url: 'http://127.0.0.1:8000/agent/auth/claim/view?token=cv_abcdefghijklmnop', secrets: ['request.query.token', 'request.url'] });
    for (const text of [curlCommand(maskedRequest(link)), fetchSnippet(maskedRequest(link)), pythonSnippet(maskedRequest(link))]) {
      expect(text).toMatch(/\/claim\/view\?token=cv_•{6,12}"|'/);
      expect(text).not.toContain('abcdefghijklmnop');
    }
  });
});

describe('Python requests', () => {
  it('a JSON POST: json= with a Python literal (True, None), no Content-Type (requests sets it)', () => {
    expect(pythonSnippet(jsonPost)).toBe([
      'import requests',
      '',
      'response = requests.post(',
      '    "http://127.0.0.1:8000/agent/auth",',
      '    json={',
      '        "type": "anonymous",',
      '        "requested_credential_type": "api_key",',
      '        "verified": True,',
      '        "note": None,',
      '    },',
      ')',
      'print(response.status_code, response.text)',
    ].join('\n'));
  });

  it('a form POST: data= with the decoded fields', () => {
    expect(pythonSnippet(formPost)).toBe([
      'import requests',
      '',
      'response = requests.post(',
      '    "http://127.0.0.1:8000/oauth2/token",',
      '    data={',
      '        "grant_type": "urn:ietf:params:oauth:grant-type:jwt-bearer",',
      '        "assertion": "eyJ.a.b",',
      '    },',
      ')',
      'print(response.status_code, response.text)',
    ].join('\n'));
  });

  it('a GET with a bearer token: requests.get with headers=', () => {
    expect(pythonSnippet(bearerGet)).toBe([
      'import requests',
      '',
      'response = requests.get(',
      '    "http://127.0.0.1:8000/api/resource",',
      '    headers={',
      '        "authorization": "Bearer at_abcdefghijkl",',
      '        "accept": "application/json",',
      '    },',
      ')',
      'print(response.status_code, response.text)',
    ].join('\n'));
  });

  it('a logout token sent as the whole body: data= the token, with its media type', () => {
    const e = ex({ method: 'POST', url: 'http://127.0.0.1:8000/agent/auth/revoke', requestHeaders: { 'content-type': 'application/logout+jwt' }, requestBody: 'eyJ.x.y' });
    expect(pythonSnippet(e)).toContain('headers={\n        "content-type": "application/logout+jwt",\n    },\n    data="eyJ.x.y",');
  });

  it('mail is not HTTP: no snippet', () => {
    expect(pythonSnippet(ex({ method: 'SMTP' }))).toBeNull();
    expect(fetchSnippet(ex({ method: 'SMTP' }))).toBeNull();
  });
});

async function jwt(header: Record<string, unknown>, claims: Record<string, unknown>, where = 'request.body.assertion'): Promise<DecodedJwt> {
  const { privateKey } = await generateKeyPair('ES256');
  await new SignJWT(claims).setProtectedHeader({ alg: 'ES256', ...header }).sign(privateKey); // a real token of that shape
  return { where, header: { alg: 'ES256', ...header }, claims, signature: { status: 'unverified', reason: 'test' } };
}

describe('one-time warnings', () => {
  it('an ID-JAG sent to POST /agent/auth: its jti is accepted once (PROTOCOL.md §2)', async () => {
    const idJag = await jwt({ typ: 'oauth-id-jag+jwt' }, { iss: 'http://127.0.0.1:4000', aud: 'http://127.0.0.1:8000', sub: 'usr_1', jti: 'j-1' });
    const w = oneTimeWarnings(ex({ method: 'POST', url: 'http://127.0.0.1:8000/agent/auth', jwts: [idJag], serviceProfile: 'v0.1' }));
    expect(w).toEqual([{ what: 'ID-JAG', why: expect.stringContaining('replay_detected'), cite: 'PROTOCOL.md §2' }]);
  });

  it('the same ID-JAG to a v0.6 service cites PROTOCOL-v0.6.md; a v0.6 service assertion (reusable) warns nothing', async () => {
    const idJag = await jwt({ typ: 'oauth-id-jag+jwt' }, { iss: 'http://127.0.0.1:4000', aud: 'http://127.0.0.1:8100', sub: 'usr_1', jti: 'j-2' });
    expect(oneTimeWarnings(ex({ method: 'POST', url: 'http://127.0.0.1:8100/agent/identity', jwts: [idJag], serviceProfile: 'v0.6' })).map((w) => w.cite)).toEqual(['PROTOCOL-v0.6.md §2']);
    const assertion = await jwt({ typ: 'oauth-id-jag+jwt' }, { iss: 'http://127.0.0.1:8100', aud: 'http://127.0.0.1:8100', sub: 'reg_1', jti: 'jti_1' });
    expect(oneTimeWarnings(ex({ method: 'POST', url: 'http://127.0.0.1:8100/oauth2/token', jwts: [assertion], serviceProfile: 'v0.6' }))).toEqual([]);
  });

  it('an ID-JAG in the response (the provider minting it) is not a replay hazard of this request', async () => {
    const idJag = await jwt({ typ: 'oauth-id-jag+jwt' }, { iss: 'http://127.0.0.1:4000', aud: 'x', sub: 'u', jti: 'j-3' }, 'response.body.assertion');
    expect(oneTimeWarnings(ex({ method: 'POST', to: 'Provider', url: 'http://127.0.0.1:4000/oauth2/token', jwts: [idJag] }))).toEqual([]);
  });

  it('a logout token (PROTOCOL.md §4) and a SET (PROTOCOL-v0.6.md §4)', async () => {
    const logout = await jwt({ typ: 'logout+jwt' }, { iss: 'p', aud: 's', sub: 'u', jti: 'l-1', events: {} }, 'request.body');
    expect(oneTimeWarnings(ex({ method: 'POST', url: 'http://127.0.0.1:8000/agent/auth/revoke', jwts: [logout] }))).toEqual([
      { what: 'Logout token', why: expect.stringContaining('jti is accepted once'), cite: 'PROTOCOL.md §4' },
    ]);
    const set = await jwt({ typ: 'secevent+jwt' }, { iss: 'p', aud: 's', sub: 'u', jti: 's-1', events: {} }, 'request.body');
    expect(oneTimeWarnings(ex({ method: 'POST', url: 'http://127.0.0.1:8100/agent/event/notify', jwts: [set], serviceProfile: 'v0.6' })).map((w) => [w.what, w.cite])).toEqual([['SET', 'PROTOCOL-v0.6.md §4']]);
  });

  it('an OTP (PROTOCOL.md §3), a user_code (PROTOCOL-v0.6.md §3), a code rotation and a claim restart', () => {
    const json = { 'content-type': 'application/json' };
    const form = { 'content-type': 'application/x-www-form-urlencoded' };
    const what = (e: Partial<Exchange>) => oneTimeWarnings(ex({ method: 'POST', ...e })).map((w) => `${w.what} ${w.cite}`);
    expect(what({ url: 'http://127.0.0.1:8000/agent/auth/claim/complete', requestHeaders: json, requestBody: '{"claim_token":"clm_x","otp":"123456"}' }))
      .toEqual(['OTP PROTOCOL.md §3']);
    expect(what({ url: 'http://127.0.0.1:8100/agent/identity/claim/complete', requestHeaders: form, requestBody: 'claim_attempt_token=cvt_x&user_code=123456', serviceProfile: 'v0.6' }))
      .toEqual(['user_code PROTOCOL-v0.6.md §3']);
    expect(what({ url: 'http://127.0.0.1:8000/agent/auth/claim/attempt/challenge', requestHeaders: json, requestBody: '{"claim_attempt_token":"cv_x"}' }))
      .toEqual(['Claim code PROTOCOL.md §3']);
    expect(what({ url: 'http://127.0.0.1:8000/agent/auth/claim', requestHeaders: json, requestBody: '{"claim_token":"clm_x","email":"a@b.c"}' }))
      .toEqual(['Claim token PROTOCOL.md §3']);
    // The v0.6 claim grant: "the claim_token keeps working for the claim grant after completion" (§3).
    expect(what({ url: 'http://127.0.0.1:8100/oauth2/token', requestHeaders: form, requestBody: 'grant_type=urn%3Aworkos%3Aagent-auth%3Agrant-type%3Aclaim&claim_token=clm_x', serviceProfile: 'v0.6' }))
      .toEqual([]);
  });

  it('a mint at the provider may have used a "once" consent up; its lessons endpoint is not that', () => {
    expect(oneTimeWarnings(ex({ method: 'POST', to: 'Provider', url: 'http://127.0.0.1:4000/id-jag' })).map((w) => w.cite)).toEqual(['PROTOCOL-v0.6.md §6']);
    expect(oneTimeWarnings(ex({ method: 'POST', to: 'Provider', url: 'http://127.0.0.1:4000/lessons/id-jag' }))).toEqual([]);
  });

  it('an ordinary read warns nothing', () => {
    expect(oneTimeWarnings(bearerGet)).toEqual([]);
  });
});
