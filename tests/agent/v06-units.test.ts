/**
 * The agent's v0.6 machinery without a v0.6 service: profile detection from AS metadata and the
 * claim-grant poll loop (RFC 8628 §3.5), each against a tiny real express server of this test's own
 * (real HTTP on 127.0.0.1, no mocks). The pacing is checked through the loop's own sleep and clock
 * hooks — what it asked to wait, never how long anything took.
 */
import type { Server } from 'node:http';
import express from 'express';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AgentRun, type RunState } from '../../src-servers/agent/index.js';
import { decide } from '../../src-servers/agent/decision.js';
import { detectProfile, type AuthorizationServerMetadata } from '../../src-servers/agent/discovery.js';
import { request } from '../../src-servers/agent/http.js';
import { pollClaimGrant } from '../../src-servers/agent/steps/v0.6/poll.js';
import { openDatabase } from '../../src-servers/db/sqlite.js';
import { createTraceRecorder, traceMigrations } from '../../src-servers/trace/index.js';
import { GRANT_TYPE_CLAIM } from '../../src-servers/protocol/v0.6/constants.js';

async function listen(app: express.Express): Promise<{ url: string; server: Server }> {
  return new Promise((resolve) => {
    const server = app.listen(0, '127.0.0.1', () => resolve({ url: `http://127.0.0.1:${(server.address() as { port: number }).port}`, server }));
  });
}
const close = (server: Server) => new Promise<void>((r) => (server.closeAllConnections(), server.close(() => r())));

/** A service that only answers discovery, shaped like a v0.1 or a v0.6 service (PROTOCOL.md §1 / PROTOCOL-v0.6.md §1). */
function discoveryOnly(shape: 'v0.1' | 'v0.6' | 'none') {
  const app = express();
  let base = '';
  app.get('/api/resource', (_req, res) => {
    res.set('www-authenticate', `Bearer resource_metadata="${base}/.well-known/oauth-protected-resource"`);
    res.status(401).json({ error: 'unauthorized', message: 'no credential' });
  });
  app.get('/.well-known/oauth-protected-resource', (_req, res) => res.json({ resource: `${base}/api/`, authorization_servers: [base] }));
  app.get('/.well-known/oauth-authorization-server', (_req, res) => res.json(metadata(shape, base)));
  return { app, setBase: (u: string) => (base = u) };
}

function metadata(shape: 'v0.1' | 'v0.6' | 'none', base: string): AuthorizationServerMetadata {
  if (shape === 'v0.6')
    return {
      issuer: base, token_endpoint: `${base}/oauth2/token`,
      grant_types_supported: ['urn:ietf:params:oauth:grant-type:jwt-bearer', GRANT_TYPE_CLAIM],
      agent_auth: {
        identity_endpoint: `${base}/agent/identity`, claim_endpoint: `${base}/agent/identity/claim`, events_endpoint: `${base}/agent/event/notify`,
        identity_types_supported: ['anonymous', 'identity_assertion', 'service_auth'],
        identity_assertion: { assertion_types_supported: ['urn:ietf:params:oauth:token-type:id-jag'] },
      },
    };
  if (shape === 'v0.1')
    return {
      issuer: base, token_endpoint: `${base}/oauth2/token`, grant_types_supported: ['urn:ietf:params:oauth:grant-type:jwt-bearer'],
      agent_auth: {
        register_uri: `${base}/agent/auth`, claim_uri: `${base}/agent/auth/claim`,
        identity_types_supported: ['anonymous', 'identity_assertion'],
        identity_assertion: { assertion_types_supported: ['urn:ietf:params:oauth:token-type:id-jag', 'verified_email'] },
      },
    };
  return { issuer: base, token_endpoint: `${base}/oauth2/token` };
}

describe('profile detection from the AS metadata', () => {
  it('tells v0.6 (identity_endpoint and the claim grant) from v0.1 (register_uri), and neither from plain OAuth', () => {
    expect(detectProfile(metadata('v0.6', 'http://s'))).toBe('v0.6');
    expect(detectProfile(metadata('v0.1', 'http://s'))).toBe('v0.1');
    expect(detectProfile(metadata('none', 'http://s'))).toBeUndefined();
    // An identity_endpoint without the claim grant is not v0.6: the agent could never finish a claim there.
    const half = metadata('v0.6', 'http://s');
    half.grant_types_supported = ['urn:ietf:params:oauth:grant-type:jwt-bearer'];
    expect(detectProfile(half)).toBeUndefined();
  });

  const servers: Server[] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map(close));
  });

  async function runAgainst(shape: 'v0.1' | 'v0.6', opts: { flow: 'verified-email' | 'service-auth' | 'anonymous'; scenario?: string }): Promise<RunState> {
    const s = discoveryOnly(shape);
    const { url, server } = await listen(s.app);
    s.setBase(url);
    servers.push(server);
    const trace = createTraceRecorder({ db: openDatabase(':memory:', traceMigrations) });
    return new AgentRun({ ...opts, autopilot: true, serviceUrl: url, providerUrl: 'http://127.0.0.1:9', trace }).run();
  }

  it('records the profile it discovered in the run state, and says it', async () => {
    const s = await runAgainst('v0.6', { flow: 'anonymous' });
    expect(s.profile).toBe('v0.6');
    expect(s.steps.find((x) => x.name === 'fetch_as_metadata')?.detail).toMatch(/^identity_endpoint http/);
    expect(s.narration.some((n) => /speaks protocol v0\.6/.test(n.text))).toBe(true);
  });

  it('verified-email against a v0.6 service stops before registering and names service-auth', async () => {
    const s = await runAgainst('v0.6', { flow: 'verified-email' });
    expect(s.status).toBe('failed');
    expect(s.outcome?.summary).toMatch(/speaks v0\.6.*verified-email flow exists only in v0\.1.*service_auth: run the service-auth flow/);
    expect(s.steps.find((x) => x.name === 'register')?.status).toBe('skipped');
  });

  it('service-auth against a v0.1 service names verified-email', async () => {
    const s = await runAgainst('v0.1', { flow: 'service-auth' });
    expect(s.profile).toBe('v0.1');
    expect(s.outcome?.summary).toMatch(/speaks v0\.1.*service-auth flow exists only in v0\.6.*run the verified-email flow/);
  });

  it('a v0.1-only lesson against a v0.6 service says why it does not apply, and nothing else', async () => {
    const s = await runAgainst('v0.6', { flow: 'anonymous', scenario: 'wrong-otp' });
    expect(s.outcome?.ok).toBe(false);
    expect(s.outcome?.summary).toMatch(/^The lesson "Wrong code" does not apply to this v0\.6 service: v0\.6 has no one-time codes/);
  });

  it('a v0.6-only lesson against a v0.1 service says why it does not apply', async () => {
    const s = await runAgainst('v0.1', { flow: 'anonymous', scenario: 'polling-too-early' });
    expect(s.outcome?.summary).toMatch(/^The lesson "Polling before you confirm" does not apply to this v0\.1 service: v0\.1 has no claim grant/);
  });
});

describe("AUTH.md's decision tree on a v0.6 service", () => {
  const carol = { providerSession: { issuer: 'http://p', email: 'carol@example.com' } };
  const notVouched = { 'id-jag': 'my provider will not vouch for an unverified email', 'verified-email': 'not verified' };

  it('knowing only your email, it chooses service auth (the service checks the address itself)', () => {
    const d = decide({ metadata: metadata('v0.6', 'http://s'), wallet: { email: 'alice@example.com' } });
    expect(d.method).toBe('service-auth');
    expect(d.why.at(-1)).toMatch(/service_auth in identity_types_supported/);
  });

  it('when the provider would not vouch for the email, still service auth on v0.6; anonymous on v0.1, as before', () => {
    expect(decide({ metadata: metadata('v0.6', 'http://s'), wallet: carol, excluded: notVouched }).method).toBe('service-auth');
    const v01 = decide({ metadata: metadata('v0.1', 'http://s'), wallet: carol, excluded: notVouched });
    expect(v01.method).toBe('anonymous');
    expect(v01.why).toContain('but verified email is ruled out: not verified');
  });
});

describe('the claim-grant poll loop (RFC 8628 §3.5) against a scripted token endpoint', () => {
  let url: string;
  let server: Server;
  let script: { status: number; body: object }[] = [];
  const received: Record<string, string>[] = [];
  beforeAll(async () => {
    const app = express();
    app.post('/oauth2/token', express.urlencoded({ extended: false }), (req, res) => {
      received.push({ ...req.body });
      const next = script.shift() ?? { status: 400, body: { error: 'authorization_pending', error_description: 'not yet' } };
      res.status(next.status).set('cache-control', 'no-store').json(next.body);
    });
    ({ url, server } = await listen(app));
  });
  afterAll(() => close(server));

  const pending = { status: 400, body: { error: 'authorization_pending', error_description: 'not yet' } };
  const slowDown = { status: 400, body: { error: 'slow_down', error_description: 'too fast' } };
  const granted = { status: 200, body: { access_token: 'at_x', token_type: 'Bearer', scope: 'api.read api.write', expires_in: 3600 } };

  /** A clock that only moves when the loop sleeps: the waits it asked for are exact. */
  function clocked(o: { interval: number; expiresIn: number; lastPollAt?: number; start?: number }) {
    let t = o.start ?? 1_000_000;
    const waits: number[] = [];
    const run = () =>
      pollClaimGrant({
        tokenEndpoint: `${url}/oauth2/token`, claimToken: 'clm_test', interval: o.interval, expiresIn: o.expiresIn, lastPollAt: o.lastPollAt,
        post: (u, form) => request(fetch, 'POST', u, { form }),
        sleep: async (ms) => void (waits.push(ms), (t += ms)),
        now: () => t,
      });
    return { run, waits };
  }

  it('polls at the interval, five seconds slower after slow_down, until granted', async () => {
    script = [pending, slowDown, pending, granted];
    received.length = 0;
    const { run, waits } = clocked({ interval: 5, expiresIn: 600 });
    const out = await run();
    expect(out.kind).toBe('granted');
    expect(out.polls).toBe(4);
    // First poll at once (the person already acted), then 5 s; slow_down makes it 10 s from then on.
    expect(waits).toEqual([5000, 10_000, 10_000]);
    expect(received.every((b) => b.grant_type === GRANT_TYPE_CLAIM && b.claim_token === 'clm_test')).toBe(true);
  });

  it('stops at expired_token without polling again', async () => {
    script = [pending, { status: 400, body: { error: 'expired_token', error_description: 'the code expired' } }, granted];
    const { run, waits } = clocked({ interval: 5, expiresIn: 600 });
    const out = await run();
    expect(out.kind).toBe('expired');
    expect(out.polls).toBe(2);
    expect(waits).toEqual([5000]);
    expect(script).toEqual([granted]); // never asked a third time
  });

  it('waits out the rest of the interval after an earlier poll before the first one', async () => {
    script = [granted];
    const { run, waits } = clocked({ interval: 5, expiresIn: 600, start: 1_000_000, lastPollAt: 1_000_000 - 2000 });
    expect((await run()).kind).toBe('granted');
    expect(waits).toEqual([3000]);
  });

  it('gives up when the code would be dead before the next poll', async () => {
    script = [pending, pending, pending, pending, pending];
    const { run, waits } = clocked({ interval: 5, expiresIn: 12 });
    const out = await run();
    expect(out).toMatchObject({ kind: 'timed_out', polls: 3 });
    expect(waits).toEqual([5000, 5000]);
  });

  it('any other error ends the loop with that answer', async () => {
    script = [{ status: 400, body: { error: 'invalid_request', error_description: 'no claim_token' } }];
    const out = await clocked({ interval: 5, expiresIn: 600 }).run();
    expect(out.kind).toBe('error');
    if (out.kind === 'error') expect(out.answer.json.error).toBe('invalid_request');
  });
});
