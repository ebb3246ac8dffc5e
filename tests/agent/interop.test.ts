/**
 * Issue 13: our roles with peers that follow the v0.1 reference rather than every RFC
 * (referenceLike.ts): its provider at our service (keys from jwks.json only, logout tokens
 * without exp), and our agent at its service (no AS issuer, no write endpoint) with its provider
 * (no OpenID configuration, no consent page) or ours.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Host } from '../../src-servers/host/host.js';
import type { RunState } from '../../src-servers/agent/index.js';
import { newRun, startTestHost } from './helpers.js';
import { startReferenceLikeProvider, startReferenceLikeService, type ReferenceLikeProvider, type ReferenceLikeService } from './referenceLike.js';

let provider: ReferenceLikeProvider;
let service: ReferenceLikeService;
let host: Host;

beforeAll(async () => {
  provider = await startReferenceLikeProvider();
  host = await startTestHost({ service: { trustedIssuers: [provider.url] } });
  service = await startReferenceLikeService([provider.url, host.urls.provider]);
});
afterAll(async () => {
  await host.stop();
  await Promise.all([provider.close(), service.close()]);
});

const said = (s: RunState) => s.narration.map((n) => n.text).join('\n');

describe("its provider → our service", () => {
  it('registers with an ID-JAG whose keys are only at jwks.json, then its grant deletion revokes our credential (204)', async () => {
    const run = newRun(host, { flow: 'revocation', serviceUrl: host.urls.service, providerUrl: provider.url });
    const s = await run.run();
    expect(s.outcome?.ok, said(s)).toBe(true);
    expect(said(s)).toContain('no OpenID configuration (404)');
    // The logout token had no exp, our service accepted it, so the provider deleted the grant.
    expect(provider.revocations).toHaveLength(1);
    expect(provider.revocations[0].claims.exp).toBeUndefined();
    expect(provider.revocations[0].status).toBe(200);
    expect(said(s)).toMatch(/You revoked grant grant_/);
    // Afterwards the credential is dead: the agent saw 401 invalid_token on the API.
    expect(said(s)).toContain('401 invalid_token');
  }, 30_000);
});

describe('our agent → its service', () => {
  it('with its provider: no AS issuer (warned, RFC 8414 §2), no consent page, no write endpoint — and it succeeds on the read', async () => {
    const run = newRun(host, { flow: 'id-jag', serviceUrl: service.url, providerUrl: provider.url, mailboxUrl: undefined });
    const s = await run.run();
    const text = said(s);
    expect(s.outcome?.ok, text).toBe(true);
    expect(text).toContain('RFC 8414 §2');
    expect(text).toContain(`I take ${service.url} (authorization_servers[0])`);
    expect(text).toContain('no write endpoint (POST answered 404)');
    expect(text).toContain('alice@example.com');
  }, 30_000);

  it('with our provider: consent on our consent page, the ID-JAG addressed to authorization_servers[0]', async () => {
    const run = newRun(host, { flow: 'id-jag', serviceUrl: service.url, mailboxUrl: undefined });
    const s = await run.run();
    expect(s.outcome?.ok, said(s)).toBe(true);
    expect(said(s)).toContain('consent page');
    expect(said(s)).toMatch(new RegExp(`addressed to ${service.url.replace(/[.]/g, '\\.')}`));
  }, 30_000);
});

describe('the agent says what was wrong with an answer', () => {
  it('a 200 that is not metadata is named as such, never "answered 200" as the failure', async () => {
    const express = (await import('express')).default;
    const app = express();
    let url = '';
    app.get('/api/resource', (_req, res) => void res.status(401).set('WWW-Authenticate', `Bearer resource_metadata="${url}/prm"`).end());
    app.get('/prm', (_req, res) => void res.json({ resource: `${url}/api/`, authorization_servers: [url] }));
    app.get('/.well-known/oauth-authorization-server', (_req, res) => void res.type('html').send('<h1>Welcome</h1>'));
    const server = await new Promise<import('node:http').Server>((r) => { const s = app.listen(0, '127.0.0.1', () => r(s)); });
    url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    try {
      const s = await newRun(host, { flow: 'anonymous', serviceUrl: url }).run();
      expect(s.outcome?.ok).toBe(false);
      expect(s.outcome?.summary).toMatch(/authorization server metadata answered 200 with text\/html[^,]*, not the JSON/);
    } finally {
      await new Promise((r) => server.close(r));
    }
  }, 30_000);
});
