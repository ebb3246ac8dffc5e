import { createLocalJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { afterEach, describe, expect, it } from 'vitest';
import { TOKEN_TYPE_ID_JAG } from '../../src-servers/protocol/constants.js';
import { AUDIENCE, call, grantConsent, login, startProvider, type RunningProvider } from './helpers.js';

let p: RunningProvider;
afterEach(() => p?.close());

async function jwks() {
  return createLocalJWKSet((await call('GET', `${p.base}/.well-known/jwks.json`)).json);
}

describe('POST /id-jag', () => {
  it('mints an ID-JAG that verifies against the JWKS and carries every PROTOCOL.md §6 claim', async () => {
    p = await startProvider();
    const { session_token } = await login(p.base, 'alice@example.com');
    await grantConsent(p.base, session_token, 'Always allow');
    const r = await call('POST', `${p.base}/id-jag`, {
      bearer: session_token,
      json: {
        audience: AUDIENCE,
        resource: `${AUDIENCE}/api/resource`,
        scope: 'api.read api.write',
        agent_platform: 'studio-agent',
        agent_context_id: 'run_42',
      },
    });
    expect(r.status).toBe(200);
    expect(r.json.assertion_type).toBe(TOKEN_TYPE_ID_JAG);
    expect(r.json.expires_in).toBe(300);

    const header = decodeProtectedHeader(r.json.assertion);
    const keys = (await call('GET', `${p.base}/.well-known/jwks.json`)).json.keys;
    expect(header).toEqual({ typ: 'oauth-id-jag+jwt', alg: 'ES256', kid: keys[0].kid });

    const { payload } = await jwtVerify(r.json.assertion, await jwks(), {
      issuer: p.base,
      audience: AUDIENCE,
      typ: 'oauth-id-jag+jwt',
      algorithms: ['ES256'],
      currentDate: new Date(p.clock.ms),
    });
    expect(payload).toMatchObject({
      iss: p.base,
      sub: 'usr_alice',
      aud: AUDIENCE,
      client_id: `${p.base}/agent-auth.json`,
      email: 'alice@example.com',
      email_verified: true,
      name: 'Alice Example',
      amr: ['mfa'],
      auth_time: p.clock.seconds,
      resource: `${AUDIENCE}/api/resource`,
      scope: 'api.read api.write',
      agent_platform: 'studio-agent',
      agent_context_id: 'run_42',
    });
    expect(typeof payload.jti).toBe('string');
    expect(payload.iat).toBe(p.clock.seconds);
    expect(payload.exp! - payload.iat!).toBeLessThanOrEqual(300);
    expect(payload.exp! - payload.iat!).toBe(300);

    // The client_id is a CIMD URL that serves a document naming itself.
    const cimd = (await call('GET', String(payload.client_id))).json;
    expect(cimd.client_id).toBe(payload.client_id);
  });

  it('uses the configured lifetime and a fresh jti each time', async () => {
    p = await startProvider({ idJagTtlSeconds: 120 });
    const { session_token } = await login(p.base, 'bob@example.com');
    await grantConsent(p.base, session_token, 'Always allow');
    const a = await call('POST', `${p.base}/id-jag`, { bearer: session_token, json: { audience: AUDIENCE } });
    const b = await call('POST', `${p.base}/id-jag`, { bearer: session_token, json: { audience: AUDIENCE } });
    expect(a.json.expires_in).toBe(120);
    const pa = (await jwtVerify(a.json.assertion, await jwks(), { currentDate: new Date(p.clock.ms) })).payload;
    const pb = (await jwtVerify(b.json.assertion, await jwks(), { currentDate: new Date(p.clock.ms) })).payload;
    expect(pa.exp! - pa.iat!).toBe(120);
    expect(pa.amr).toEqual(['pwd']);
    expect(pa.jti).not.toBe(pb.jti);
    expect(pa.resource).toBeUndefined();
  });

  it('answers 403 consent_required without a grant for that audience', async () => {
    p = await startProvider();
    const { session_token } = await login(p.base, 'alice@example.com');
    await grantConsent(p.base, session_token, 'Always allow'); // for AUDIENCE only
    const r = await call('POST', `${p.base}/id-jag`, { bearer: session_token, json: { audience: 'http://127.0.0.1:9999' } });
    expect(r.status).toBe(403);
    expect(r.json.error).toBe('consent_required');
  });

  it('answers 403 missing_verified_email for carol, even with her consent', async () => {
    p = await startProvider();
    const { session_token } = await login(p.base, 'carol@example.com');
    const before = await call('POST', `${p.base}/id-jag`, { bearer: session_token, json: { audience: AUDIENCE } });
    expect(before.status).toBe(403);
    expect(before.json.error).toBe('missing_verified_email');
    await grantConsent(p.base, session_token, 'Always allow');
    const after = await call('POST', `${p.base}/id-jag`, { bearer: session_token, json: { audience: AUDIENCE } });
    expect(after.status).toBe(403);
    expect(after.json.error).toBe('missing_verified_email');
  });

  it('spends an "Allow once" grant on the first ID-JAG', async () => {
    p = await startProvider();
    const { session_token } = await login(p.base, 'alice@example.com');
    await grantConsent(p.base, session_token, 'Allow once');
    const first = await call('POST', `${p.base}/id-jag`, { bearer: session_token, json: { audience: AUDIENCE } });
    expect(first.status).toBe(200);
    const second = await call('POST', `${p.base}/id-jag`, { bearer: session_token, json: { audience: AUDIENCE } });
    expect(second.status).toBe(403);
    expect(second.json.error).toBe('consent_required');
    const [grant] = (await call('GET', `${p.base}/grants`, { bearer: session_token })).json.grants;
    expect(grant).toMatchObject({ mode: 'once', status: 'consumed' });
    expect(grant.consumed_at).not.toBeNull();
  });

  it('grants created with POST /grants work the same way', async () => {
    p = await startProvider();
    const { session_token } = await login(p.base, 'alice@example.com');
    const g = await call('POST', `${p.base}/grants`, { bearer: session_token, json: { audience: AUDIENCE, mode: 'always' } });
    expect(g.status).toBe(201);
    expect(g.json).toMatchObject({ audience: AUDIENCE, mode: 'always', status: 'live' });
    expect(g.json.id).toMatch(/^grt_/);
    expect((await call('POST', `${p.base}/id-jag`, { bearer: session_token, json: { audience: AUDIENCE } })).status).toBe(200);
  });

  it('requires a session and a well-formed body', async () => {
    p = await startProvider();
    const none = await call('POST', `${p.base}/id-jag`, { json: { audience: AUDIENCE } });
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toMatch(/^Bearer/);
    const bad = await call('POST', `${p.base}/id-jag`, { bearer: 'ses_forged', json: { audience: AUDIENCE } });
    expect(bad.status).toBe(401);
    expect(bad.headers.get('www-authenticate')).toContain('error="invalid_token"');
    const { session_token } = await login(p.base, 'alice@example.com');
    const shape = await call('POST', `${p.base}/id-jag`, { bearer: session_token, json: { audience: 42 } });
    expect(shape.status).toBe(400);
    expect(shape.json.error).toBe('invalid_request');
    expect(shape.json.message).toContain('audience');
  });
});
