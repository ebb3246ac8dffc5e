import { createLocalJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  GRANT_TYPE_TOKEN_EXCHANGE,
  TOKEN_TYPE_ID_JAG,
  TOKEN_TYPE_ID_TOKEN,
} from '../../src-servers/protocol/constants.js';
import { AUDIENCE, call, grantConsent, login, startProvider, type RunningProvider } from './helpers.js';

let p: RunningProvider;
let alice: { session_token: string; id_token: string };
beforeEach(async () => {
  p = await startProvider();
  alice = await login(p.base, 'alice@example.com');
});
afterEach(() => p.close());

const exchange = (fields: Record<string, string>) =>
  call('POST', `${p.base}/oauth2/token`, {
    form: {
      grant_type: GRANT_TYPE_TOKEN_EXCHANGE,
      subject_token: alice.id_token,
      subject_token_type: TOKEN_TYPE_ID_TOKEN,
      requested_token_type: TOKEN_TYPE_ID_JAG,
      audience: AUDIENCE,
      ...fields,
    },
  });

function expectOAuthError(r: Awaited<ReturnType<typeof call>>, status: number, error: string) {
  expect(r.status).toBe(status);
  expect(Object.keys(r.json).sort()).toEqual(['error', 'error_description']);
  expect(r.json.error).toBe(error);
}

describe('POST /oauth2/token (RFC 8693)', () => {
  it('exchanges the ID token for an ID-JAG', async () => {
    await grantConsent(p.base, alice.session_token, 'Always allow');
    const r = await exchange({ resource: `${AUDIENCE}/api/resource` });
    expect(r.status).toBe(200);
    expect(r.headers.get('cache-control')).toBe('no-store');
    expect(r.json).toMatchObject({ issued_token_type: TOKEN_TYPE_ID_JAG, token_type: 'N_A', expires_in: 300 });
    expect(decodeProtectedHeader(r.json.access_token).typ).toBe('oauth-id-jag+jwt');
    const jwks = createLocalJWKSet((await call('GET', `${p.base}/.well-known/jwks.json`)).json);
    const { payload } = await jwtVerify(r.json.access_token, jwks, { issuer: p.base, audience: AUDIENCE, currentDate: new Date(p.clock.ms) });
    expect(payload).toMatchObject({ sub: 'usr_alice', email: 'alice@example.com', resource: `${AUDIENCE}/api/resource` });
  });

  it('answers invalid_request for missing or unsupported parameters', async () => {
    expectOAuthError(await exchange({ subject_token: '' }), 400, 'invalid_request');
    expectOAuthError(await exchange({ subject_token_type: 'urn:ietf:params:oauth:token-type:access_token' }), 400, 'invalid_request');
    expectOAuthError(await exchange({ requested_token_type: 'urn:ietf:params:oauth:token-type:access_token' }), 400, 'invalid_request');
    const noAudience = await call('POST', `${p.base}/oauth2/token`, {
      form: { grant_type: GRANT_TYPE_TOKEN_EXCHANGE, subject_token: alice.id_token, subject_token_type: TOKEN_TYPE_ID_TOKEN, requested_token_type: TOKEN_TYPE_ID_JAG },
    });
    expectOAuthError(noAudience, 400, 'invalid_request');
    // RFC 6749 §3.2 — a form body, not JSON.
    const json = await call('POST', `${p.base}/oauth2/token`, { json: { grant_type: GRANT_TYPE_TOKEN_EXCHANGE } });
    expectOAuthError(json, 400, 'invalid_request');
    expectOAuthError(await exchange({ grant_type: 'client_credentials' }), 400, 'unsupported_grant_type');
  });

  it('answers invalid_grant for a subject_token that is not a live ID token from us', async () => {
    await grantConsent(p.base, alice.session_token, 'Always allow');
    expectOAuthError(await exchange({ subject_token: 'not.a.jwt' }), 400, 'invalid_grant');
    // An ID-JAG is not an ID token: its audience is the service, not our client.
    const jag = (await call('POST', `${p.base}/id-jag`, { bearer: alice.session_token, json: { audience: AUDIENCE } })).json.assertion;
    expectOAuthError(await exchange({ subject_token: jag }), 400, 'invalid_grant');
    // Tampered ID token.
    const [h, , s] = alice.id_token.split('.');
    const forged = Buffer.from(JSON.stringify({ iss: p.base, sub: 'usr_bob', aud: `${p.base}/agent-auth.json` })).toString('base64url');
    expectOAuthError(await exchange({ subject_token: `${h}.${forged}.${s}` }), 400, 'invalid_grant');
    // Expired ID token (it lives an hour).
    p.clock.advance(3601);
    expectOAuthError(await exchange({}), 400, 'invalid_grant');
  });

  it('follows the same consent and email policy as /id-jag', async () => {
    expectOAuthError(await exchange({}), 400, 'invalid_target');
    const carol = await login(p.base, 'carol@example.com');
    const r = await exchange({ subject_token: carol.id_token });
    expectOAuthError(r, 400, 'invalid_grant');
    expect(r.json.error_description).toContain('missing_verified_email');
  });

  it('keeps the RFC 6749 envelope for unreadable bodies', async () => {
    const broken = await call('POST', `${p.base}/oauth2/token`, { body: '{oops', contentType: 'application/json' });
    expectOAuthError(broken, 400, 'invalid_request');
    const huge = await call('POST', `${p.base}/oauth2/token`, { body: `subject_token=${'a'.repeat(70_000)}`, contentType: 'application/x-www-form-urlencoded' });
    expectOAuthError(huge, 413, 'invalid_request');
  });
});
