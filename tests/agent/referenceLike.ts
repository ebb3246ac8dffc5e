/**
 * Peers that behave like the public v0.1 reference in the respects our roles must cope with,
 * written from that behaviour (docs and issue 13), not from its code:
 * - a provider that publishes only /.well-known/jwks.json and /agent-auth.json (no OpenID or
 *   RFC 8414 metadata, no consent pages: the agent records a grant itself), whose logout tokens
 *   carry iat but no exp, and which keeps a grant (500) when the revocation is refused;
 * - a service whose AS metadata has no issuer and whose API has no write endpoint.
 * Real HTTP on 127.0.0.1, real ES256 signatures (jose).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import express from 'express';
import { createRemoteJWKSet, exportJWK, generateKeyPair, jwtVerify, SignJWT } from 'jose';

const EVENT = 'https://schemas.workos.com/events/agent/auth/identity/assertion/revoked';

async function listen(app: express.Express): Promise<{ url: string; server: Server }> {
  return new Promise((resolve) => {
    const server = app.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      resolve({ url: `http://127.0.0.1:${port}`, server });
    });
  });
}

const close = (server: Server) => new Promise<void>((r) => (server.closeAllConnections(), server.close(() => r())));

export interface ReferenceLikeProvider {
  url: string;
  /** Each revocation the provider sent, and how the service answered it. */
  revocations: { uri: string; status: number; claims: Record<string, unknown> }[];
  close(): Promise<void>;
}

export async function startReferenceLikeProvider(): Promise<ReferenceLikeProvider> {
  const { publicKey, privateKey } = await generateKeyPair('ES256');
  const kid = randomUUID();
  const jwk = { ...(await exportJWK(publicKey)), kid, alg: 'ES256', use: 'sig' };
  const users = new Map([['alice@example.com', { id: 'ref_user_alice', email: 'alice@example.com', email_verified: true }]]);
  const sessions = new Map<string, string>();
  const grants = new Map<string, { id: string; email: string; audience: string; mode: string; revocation_uri?: string }>();
  const revocations: ReferenceLikeProvider['revocations'] = [];
  let url = '';
  const sign = (typ: string, claims: Record<string, unknown>, ttl?: number) => {
    const jwt = new SignJWT(claims).setProtectedHeader({ alg: 'ES256', typ, kid }).setIssuedAt();
    if (ttl) jwt.setExpirationTime(`${ttl}s`);
    return jwt.sign(privateKey);
  };
  const session = (req: express.Request) => sessions.get(/^Bearer (.+)$/.exec(req.get('authorization') ?? '')?.[1] ?? '');

  const app = express();
  app.use(express.json());
  app.get('/.well-known/jwks.json', (_req, res) => void res.set('Cache-Control', 'public, max-age=300').json({ keys: [jwk] }));
  app.get('/agent-auth.json', (_req, res) => void res.json({ client_id: `${url}/agent-auth.json`, client_name: 'Reference-like provider', jwks_uri: `${url}/.well-known/jwks.json` }));
  app.post('/login', (req, res) => {
    const user = users.get(String(req.body?.email ?? '').toLowerCase());
    if (!user) return void res.status(401).json({ error: 'unknown_user', message: 'No such user.' });
    const token = randomBytes(16).toString('hex');
    sessions.set(token, user.email);
    res.json({ session_token: token, user });
  });
  app.post('/grants', (req, res) => {
    const email = session(req);
    if (!email) return void res.status(401).json({ error: 'unauthorized', message: 'No session.' });
    const grant = { id: `grant_${randomUUID()}`, email, audience: String(req.body.audience), mode: String(req.body.mode ?? 'once'), revocation_uri: req.body.revocation_uri };
    grants.set(grant.id, grant);
    res.status(201).json(grant);
  });
  app.get('/grants', (req, res) => {
    const email = session(req);
    if (!email) return void res.status(401).json({ error: 'unauthorized', message: 'No session.' });
    res.json({ grants: [...grants.values()].filter((g) => g.email === email) });
  });
  app.delete('/grants/:id', async (req, res) => {
    const email = session(req);
    const grant = grants.get(req.params.id);
    if (!email || !grant || grant.email !== email) return void res.status(404).json({ error: 'not_found', message: 'No such grant.' });
    if (grant.revocation_uri) {
      // iat, no exp: the habit our service must accept (PROTOCOL.md §4).
      const claims = { iss: url, sub: users.get(email)!.id, aud: grant.audience, jti: randomUUID(), events: { [EVENT]: {} } };
      const answer = await fetch(grant.revocation_uri, { method: 'POST', headers: { 'content-type': 'application/logout+jwt' }, body: await sign('logout+jwt', claims) });
      revocations.push({ uri: grant.revocation_uri, status: answer.status, claims });
      if (!answer.ok) return void res.status(500).json({ error: 'revocation_failed', message: `${grant.revocation_uri} responded ${answer.status}. Grant retained.` });
    }
    grants.delete(grant.id);
    res.status(204).end();
  });
  app.post('/id-jag', async (req, res) => {
    const email = session(req);
    if (!email) return void res.status(401).json({ error: 'unauthorized', message: 'No session.' });
    const audience = String(req.body.audience ?? '');
    if (![...grants.values()].some((g) => g.email === email && g.audience === audience))
      return void res.status(403).json({ error: 'consent_required', message: `No grant for ${audience}.` });
    const user = users.get(email)!;
    const claims = { iss: url, sub: user.id, aud: audience, client_id: `${url}/agent-auth.json`, jti: randomUUID(), email, email_verified: true, ...(req.body.resource ? { resource: req.body.resource } : {}) };
    res.json({ assertion_type: 'urn:ietf:params:oauth:token-type:id-jag', assertion: await sign('oauth-id-jag+jwt', claims, 300), expires_in: 300 });
  });
  const { url: base, server } = await listen(app);
  url = base;
  return { url, revocations, close: () => close(server) };
}

export interface ReferenceLikeService {
  url: string;
  close(): Promise<void>;
}

/** A service that trusts `trustedIssuers` and reads their keys at <iss>/.well-known/jwks.json. */
export async function startReferenceLikeService(trustedIssuers: string[]): Promise<ReferenceLikeService> {
  const credentials = new Map<string, { email: string; iss: string; sub: string }>();
  let url = '';
  const app = express();
  app.use(express.json());
  app.use(express.text({ type: 'application/logout+jwt' }));
  app.get('/.well-known/oauth-protected-resource', (_req, res) => void res.json({ resource: `${url}/api/`, resource_name: 'Reference-like service', authorization_servers: [url], scopes_supported: ['api.read', 'api.write'] }));
  // No issuer: RFC 8414 §2 requires it; this service leaves it out.
  app.get('/.well-known/oauth-authorization-server', (_req, res) =>
    void res.json({
      resource: `${url}/api/`,
      authorization_servers: [url],
      agent_auth: {
        register_uri: `${url}/agent/auth`, revocation_uri: `${url}/agent/auth/revoke`,
        identity_types_supported: ['identity_assertion'],
        identity_assertion: { assertion_types_supported: ['urn:ietf:params:oauth:token-type:id-jag'], credential_types_supported: ['access_token'] },
      },
    }));
  const verify = async (jwt: string, typ: string) => {
    const iss = JSON.parse(Buffer.from(jwt.split('.')[1] ?? '', 'base64url').toString() || '{}').iss;
    if (!trustedIssuers.includes(iss)) throw new Error('untrusted issuer');
    return (await jwtVerify(jwt, createRemoteJWKSet(new URL(`${iss}/.well-known/jwks.json`)), { issuer: iss, audience: url, typ })).payload;
  };
  app.post('/agent/auth', async (req, res) => {
    try {
      const claims = await verify(String(req.body.assertion), 'oauth-id-jag+jwt');
      const credential = `at_${randomBytes(16).toString('hex')}`;
      credentials.set(credential, { email: String(claims.email), iss: String(claims.iss), sub: String(claims.sub) });
      res.json({ registration_id: `reg_${randomUUID()}`, registration_type: 'agent-provider', credential_type: 'access_token', credential, credential_expires: null, scopes: ['api.read', 'api.write'] });
    } catch (err) {
      res.status(400).json({ error: 'invalid_request', message: (err as Error).message });
    }
  });
  app.post('/agent/auth/revoke', async (req, res) => {
    try {
      const claims = await verify(String(req.body), 'logout+jwt');
      let revoked = 0;
      for (const [c, who] of credentials) if (who.iss === claims.iss && who.sub === claims.sub) credentials.delete(c), revoked++;
      res.json({ revoked });
    } catch (err) {
      res.status(400).json({ error: 'invalid_request', message: (err as Error).message });
    }
  });
  // Read only: POST /api/resource falls through to express's own 404.
  app.get('/api/resource', (req, res) => {
    const who = credentials.get(/^Bearer (.+)$/.exec(req.get('authorization') ?? '')?.[1] ?? '');
    if (!who) return void res.status(401).set('WWW-Authenticate', `Bearer resource_metadata="${url}/.well-known/oauth-protected-resource"`).json({ error: 'invalid_token', message: 'No valid credential.' });
    res.json({ message: 'ok', user: { email: who.email }, credential: { scope: 'api.read api.write', iss: who.iss } });
  });
  const { url: base, server } = await listen(app);
  url = base;
  return { url, close: () => close(server) };
}
