/**
 * The conformance runner's provider check learns auth_time (PROTOCOL-v0.6.md §6: every ID-JAG
 * carries it; a v0.6 service answers 401 login_required to one missing or in the future). Optional
 * in v0.1 (PROTOCOL.md §6), so there a provider without it is a WARNING, under v0.6 a FAILURE.
 */
import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import express from 'express';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Host } from '../../src-servers/host/host.js';
import type { RunOptions } from '../../src-servers/host/conformance/context.js';
import { runConformance } from '../../src-servers/host/conformance/run.js';
import { startTestHost } from '../agent/helpers.js';
import { startReferenceLikeProvider } from '../agent/referenceLike.js';

const CHECK = 'provider.id_jag_shape';
const run = async (providerUrl: string, profile: RunOptions['profile']) => {
  const report = await runConformance({ serviceUrl: 'http://127.0.0.1:9', providerUrl, providerUser: 'alice@example.com', profile, interactive: false, only: [CHECK], issuerPort: 0 });
  expect(report.results.map((r) => r.id)).toEqual([CHECK]);
  return report.results[0];
};

/** A provider whose ID-JAGs claim a sign-in an hour from now: the one thing wrong with them. */
async function startFutureAuthTimeProvider(): Promise<{ url: string; close(): Promise<void> }> {
  const { publicKey, privateKey } = await generateKeyPair('ES256');
  const kid = randomUUID();
  const jwk = { ...(await exportJWK(publicKey)), kid, alg: 'ES256', use: 'sig' };
  let url = '';
  const app = express().use(express.json());
  app.get('/.well-known/jwks.json', (_req, res) => void res.json({ keys: [jwk] }));
  app.post('/login', (_req, res) => void res.json({ session_token: 's', user: { id: 'u1', email: 'alice@example.com' } }));
  app.post('/grants', (req, res) => void res.status(201).json({ id: randomUUID(), audience: req.body.audience, mode: req.body.mode }));
  app.post('/id-jag', async (req, res) => {
    const now = Math.floor(Date.now() / 1000);
    const assertion = await new SignJWT({ client_id: `${url}/agent-auth.json`, email: 'alice@example.com', email_verified: true, auth_time: now + 3600 })
      .setProtectedHeader({ alg: 'ES256', typ: 'oauth-id-jag+jwt', kid })
      .setIssuer(url).setSubject('u1').setAudience(String(req.body.audience)).setJti(randomUUID()).setIssuedAt(now).setExpirationTime(now + 300)
      .sign(privateKey);
    res.json({ assertion_type: 'urn:ietf:params:oauth:token-type:id-jag', assertion, expires_in: 300 });
  });
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  return { url, close: () => new Promise((r) => (server.closeAllConnections(), server.close(() => r()))) };
}

describe(`${CHECK} and auth_time`, () => {
  let host: Host;
  beforeAll(async () => {
    host = await startTestHost();
  });
  afterAll(() => host?.stop());

  it('passes the bundled provider under both profiles (its ID-JAGs carry the last sign-in)', async () => {
    for (const profile of ['v0.1', 'v0.6'] as const) expect([profile, await run(host.urls.provider, profile)]).toMatchObject([profile, { status: 'SUCCESS' }]);
  });

  it('a provider without auth_time: WARNING under v0.1, FAILURE naming login_required under v0.6', async () => {
    const ref = await startReferenceLikeProvider();
    try {
      expect(await run(ref.url, 'v0.1')).toMatchObject({ status: 'WARNING', message: expect.stringMatching(/no auth_time.*login_required/) });
      expect(await run(ref.url, 'v0.6')).toMatchObject({ status: 'FAILURE', message: expect.stringMatching(/auth_time is undefined.*login_required/) });
    } finally {
      await ref.close();
    }
  });

  it('an auth_time in the future fails under either profile', async () => {
    const future = await startFutureAuthTimeProvider();
    try {
      for (const profile of ['v0.1', 'v0.6'] as const)
        expect(await run(future.url, profile)).toMatchObject({ status: 'FAILURE', message: expect.stringMatching(/auth_time \d+ is 3600 s in the future/) });
    } finally {
      await future.close();
    }
  });
});
