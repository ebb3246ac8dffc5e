/**
 * PROTOCOL-v0.6.md §6: a grant that names a v0.6 service's events_uri is revoked by an RFC 8417
 * Security Event Token pushed per RFC 8935; if the service does not take it, the grant is kept and
 * DELETE answers 500 revocation_failed. The receiver here is a real little server that verifies the
 * SET with jose against the provider's published JWKS, as a v0.6 service would, and answers 202.
 */
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify, type JWTPayload } from 'jose';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EVENT_ASSERTION_REVOKED } from '../../src-servers/protocol/constants.js';
import { GRANT_EVENTS_URI, SET_CONTENT_TYPE, SET_TYP } from '../../src-servers/protocol/v0.6/constants.js';
import { AUDIENCE, call, grantConsent, login, pressButton, startProvider, startReceiver, type RunningProvider } from './helpers.js';

interface Received {
  headers: IncomingHttpHeaders;
  body: string;
  header?: Record<string, unknown>;
  payload?: JWTPayload;
  error?: string;
}

/** A v0.6 service's /agent/event/notify in miniature: verify, then 202 — or 400 {err, description} (RFC 8935 §2.4). */
async function startSetReceiver(providerIssuer: string, opts: { status?: number } = {}) {
  const jwks = createRemoteJWKSet(new URL(`${providerIssuer}/.well-known/jwks.json`));
  const received: Received[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', async () => {
      const entry: Received = { headers: req.headers, body };
      received.push(entry);
      try {
        const { payload, protectedHeader } = await jwtVerify(body, jwks, { issuer: providerIssuer, audience: AUDIENCE, typ: SET_TYP, algorithms: ['ES256'] });
        entry.payload = payload;
        entry.header = protectedHeader as Record<string, unknown>;
      } catch (err) {
        entry.error = (err as Error).message;
        return void res.writeHead(400, { 'content-type': 'application/json' }).end(JSON.stringify({ err: 'authentication_failed', description: entry.error }));
      }
      if (opts.status) return void res.writeHead(opts.status, { 'content-type': 'application/json' }).end('{"err":"invalid_request"}');
      res.writeHead(202).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/agent/event/notify`;
  return {
    url,
    received,
    close: () => {
      server.closeAllConnections();
      return new Promise((r) => server.close(r));
    },
  };
}

let p: RunningProvider;
let alice: string;
const closers: (() => Promise<unknown>)[] = [];
beforeEach(async () => {
  p = await startProvider();
  alice = (await login(p.base, 'alice@example.com')).session_token;
});
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
  await p.close();
});

async function receiver(opts: { status?: number } = {}) {
  const r = await startSetReceiver(p.base, opts);
  closers.push(r.close);
  return r;
}

const grantsOf = async (session = alice) => (await call('GET', `${p.base}/grants`, { bearer: session })).json.grants as any[];

describe('DELETE /grants/:id with an events_uri (RFC 8417 SET, RFC 8935 push)', () => {
  it('pushes a SET that verifies against the provider JWKS, with exactly the §6 shape, before the 204', async () => {
    const svc = await receiver();
    const g = await call('POST', `${p.base}/grants`, { bearer: alice, json: { audience: AUDIENCE, mode: 'always', [GRANT_EVENTS_URI]: svc.url } });
    expect(g.status).toBe(201);
    expect(g.json).toMatchObject({ [GRANT_EVENTS_URI]: svc.url, revocation_uri: null });

    const del = await call('DELETE', `${p.base}/grants/${g.json.id}`, { bearer: alice });
    expect(del.status).toBe(204);
    expect(svc.received).toHaveLength(1);
    const [got] = svc.received;
    expect(got.error).toBeUndefined();
    expect(got.headers['content-type']).toBe(SET_CONTENT_TYPE);

    const keys = (await call('GET', `${p.base}/.well-known/jwks.json`)).json.keys;
    expect(decodeProtectedHeader(got.body)).toEqual({ alg: 'ES256', kid: keys[0].kid, typ: 'secevent+jwt' });
    expect(Object.keys(got.payload!).sort()).toEqual(['aud', 'events', 'iat', 'iss', 'jti', 'sub']); // no exp
    expect(got.payload).toMatchObject({ iss: p.base, sub: 'usr_alice', aud: AUDIENCE, iat: p.clock.seconds, events: { [EVENT_ASSERTION_REVOKED]: {} } });
    expect(got.payload!.jti).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);

    expect((await grantsOf())[0]).toMatchObject({ id: g.json.id, status: 'revoked' });
    const jag = await call('POST', `${p.base}/id-jag`, { bearer: alice, json: { audience: AUDIENCE } });
    expect(jag.json.error).toBe('consent_required');
  });

  it('keeps the grant and answers 500 revocation_failed when the service refuses the SET', async () => {
    const refusing = await receiver({ status: 400 });
    const g = await call('POST', `${p.base}/grants`, { bearer: alice, json: { audience: AUDIENCE, mode: 'always', [GRANT_EVENTS_URI]: refusing.url } });
    const del = await call('DELETE', `${p.base}/grants/${g.json.id}`, { bearer: alice });
    expect(del.status).toBe(500);
    expect(del.json).toMatchObject({ error: 'revocation_failed' });
    expect(del.json.message).toContain(refusing.url);
    expect(refusing.received).toHaveLength(1);

    // Kept: listed live, still mints, and the studio's inspector shows what the service said.
    expect((await grantsOf())[0]).toMatchObject({ id: g.json.id, status: 'live', revoked_at: null });
    expect((await call('POST', `${p.base}/id-jag`, { bearer: alice, json: { audience: AUDIENCE } })).status).toBe(200);
    const [inspected] = p.handle.inspect().grants as any[];
    expect(inspected.revocation_result).toMatchObject({ uri: refusing.url, status: 400 });

    // The handle (the studio's revoke) says the same, and still keeps it.
    expect((await p.handle.revokeGrant(g.json.id)).revoked).toBe(false);
    expect((await grantsOf())[0].status).toBe('live');
  });

  it('keeps the grant on a network error too', async () => {
    const gone = await startSetReceiver(p.base);
    await gone.close();
    const g = await call('POST', `${p.base}/grants`, { bearer: alice, json: { audience: AUDIENCE, mode: 'always', [GRANT_EVENTS_URI]: gone.url } });
    const del = await call('DELETE', `${p.base}/grants/${g.json.id}`, { bearer: alice });
    expect(del.status).toBe(500);
    expect(del.json.error).toBe('revocation_failed');
    expect((await grantsOf())[0].status).toBe('live');
    const [inspected] = p.handle.inspect().grants as any[];
    expect(typeof inspected.revocation_result.error).toBe('string');
  });

  it('still sends a v0.1 logout token (and no SET) to a revocation_uri', async () => {
    const v01 = await startReceiver();
    closers.push(v01.close);
    const g = await call('POST', `${p.base}/grants`, { bearer: alice, json: { audience: AUDIENCE, mode: 'always', revocation_uri: v01.url } });
    expect(g.json).toMatchObject({ revocation_uri: v01.url, [GRANT_EVENTS_URI]: null });
    expect((await call('DELETE', `${p.base}/grants/${g.json.id}`, { bearer: alice })).status).toBe(204);
    expect(v01.received).toHaveLength(1);
    expect(v01.received[0].headers['content-type']).toBe('application/logout+jwt');
    expect(decodeProtectedHeader(v01.received[0].body).typ).toBe('logout+jwt');
  });
});

describe('a grant names one revocation receiver (PROTOCOL-v0.6.md §6)', () => {
  const both = { audience: AUDIENCE, mode: 'always', revocation_uri: 'http://127.0.0.1:9/agent/auth/revoke', [GRANT_EVENTS_URI]: 'http://127.0.0.1:9/agent/event/notify' };

  it('POST /grants with both revocation_uri and events_uri → 400 invalid_request, nothing stored', async () => {
    const r = await call('POST', `${p.base}/grants`, { bearer: alice, json: both });
    expect(r.status).toBe(400);
    expect(r.json.error).toBe('invalid_request');
    expect(r.json.message).toMatch(/revocation_uri.*events_uri/);
    expect(await grantsOf()).toEqual([]);
    const badUri = await call('POST', `${p.base}/grants`, { bearer: alice, json: { audience: AUDIENCE, mode: 'once', [GRANT_EVENTS_URI]: 'ftp://x' } });
    expect(badUri.status).toBe(400);
    expect(badUri.json.message).toContain(GRANT_EVENTS_URI);
  });

  it('POST /consent/requests with both → 400 invalid_request', async () => {
    const r = await call('POST', `${p.base}/consent/requests`, { bearer: alice, json: { audience: AUDIENCE, revocation_uri: both.revocation_uri, [GRANT_EVENTS_URI]: both[GRANT_EVENTS_URI] } });
    expect(r.status).toBe(400);
    expect(r.json.error).toBe('invalid_request');
  });
});

describe('consent carries the events_uri the agent asked for', () => {
  it('a stored consent request: approving on the page makes a grant whose deletion pushes the SET', async () => {
    const svc = await receiver();
    const requestId = await grantConsent(p.base, alice, 'Always allow', { [GRANT_EVENTS_URI]: svc.url });
    const grantId = (await call('GET', `${p.base}/consent/requests/${requestId}`, { bearer: alice })).json.grant_id;
    expect((await grantsOf())[0]).toMatchObject({ id: grantId, [GRANT_EVENTS_URI]: svc.url, revocation_uri: null });
    expect((await call('DELETE', `${p.base}/grants/${grantId}`, { bearer: alice })).status).toBe(204);
    expect(svc.received.map((r) => r.payload?.sub)).toEqual(['usr_alice']);
  });

  it('a request-less consent page: the events_uri rides through the form, bound to the page', async () => {
    const svc = await receiver();
    const page = `${p.base}/consent?${new URLSearchParams({ audience: AUDIENCE, [GRANT_EVENTS_URI]: svc.url, login_hint: 'alice@example.com' })}`;
    expect((await pressButton(page, 'Always allow')).status).toBe(200);
    const [grant] = await grantsOf();
    expect(grant).toMatchObject({ [GRANT_EVENTS_URI]: svc.url, revocation_uri: null, mode: 'always' });
    expect((await call('DELETE', `${p.base}/grants/${grant.id}`, { bearer: alice })).status).toBe(204);
    expect(svc.received).toHaveLength(1);
    expect(svc.received[0].error).toBeUndefined();
  });

  it('a request-less page naming both receivers is refused, and a swapped events_uri is a forgery', async () => {
    const svc = await receiver();
    const conflicting = `${p.base}/consent?${new URLSearchParams({ audience: AUDIENCE, revocation_uri: svc.url, [GRANT_EVENTS_URI]: svc.url })}`;
    expect((await fetch(conflicting)).status).toBe(400);

    // The page's token is bound to its events_uri: a form re-aimed at another receiver creates nothing.
    const page = await fetch(`${p.base}/consent?${new URLSearchParams({ audience: AUDIENCE, [GRANT_EVENTS_URI]: svc.url })}`);
    const token = /name="csrf_token" value="([^"]+)"/.exec(await page.text())![1];
    const forged = await call('POST', `${p.base}/consent/approve`, {
      form: { audience: AUDIENCE, [GRANT_EVENTS_URI]: 'http://127.0.0.1:9/elsewhere', csrf_token: token, user: 'alice@example.com', mode: 'always' },
    });
    expect(forged.status).toBe(403);
    expect(await grantsOf()).toEqual([]);
  });
});
