/**
 * The studio's host runs both protocol profiles side by side (DESIGN.md rule 8, PROTOCOL-v0.6.md §9):
 * the primary service speaks `service.profile`, a companion the other one, each on its own port with
 * its own database file and AUTH.md, both on the Service lifeline of one trace (labelled with their
 * profile), both reset by "Reset all data". Real servers on free loopback ports, real SQLite files.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { parseHostArgs, UsageError } from '../../src-servers/host/cli.js';
import { startHost, type Host } from '../../src-servers/host/host.js';

const PORTS = { service: 0, provider: 0, mailbox: 0, smtp: 0, companion: 0 };
const temps: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'ars-companion-'));
  temps.push(dir);
  return dir;
};
afterAll(() => {
  for (const d of temps) rmSync(d, { recursive: true, force: true });
});

const json = async (url: string, init?: RequestInit) => {
  const r = await fetch(url, init);
  return { status: r.status, body: (await r.json()) as any };
};
const asMetadata = (base: string) => json(`${base}/.well-known/oauth-authorization-server`);
const postJson = (url: string, body: unknown) =>
  json(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
/** PROTOCOL.md §2 (v0.1) and PROTOCOL-v0.6.md §2: an anonymous registration at each profile's own endpoint. */
const registerAnonymously = {
  'v0.1': (base: string) => postJson(`${base}/agent/auth`, { type: 'anonymous' }),
  'v0.6': (base: string) => postJson(`${base}/agent/identity`, { type: 'anonymous' }),
};

describe('a host with the companion service (v0.1 primary)', () => {
  let host: Host;
  let dataDir: string;
  beforeAll(async () => {
    dataDir = tempDir();
    host = await startHost({ dataDir, companion: true, ports: PORTS, log: () => {} });
  });
  afterAll(() => host?.stop());

  it('runs one service per profile, each on its own port, the primary first', () => {
    expect(host.services.map((s) => [s.profile, s.primary])).toEqual([['v0.1', true], ['v0.6', false]]);
    const [primary, companion] = host.services;
    expect(primary.url).toBe(host.urls.service);
    expect(companion.url).not.toBe(primary.url);
    expect(host.serviceFor('v0.6')).toBe(companion);
    expect(companion.config.profile).toBe('v0.6');
    expect(host.config.service.profile).toBe('v0.1'); // the host's own config is not rewritten
  });

  it('each service speaks its own profile end to end: discovery, and its issuer is its own URL', async () => {
    const v01 = await asMetadata(host.urls.service);
    const v06 = await asMetadata(host.serviceFor('v0.6')!.url);
    // PROTOCOL.md §1: register_uri; PROTOCOL-v0.6.md §1: identity_endpoint, no register_uri (§11).
    expect(v01.body.agent_auth.register_uri).toBe(`${host.urls.service}/agent/auth`);
    expect(v06.body.issuer).toBe(host.serviceFor('v0.6')!.url);
    expect(v06.body.agent_auth.identity_endpoint).toBe(`${host.serviceFor('v0.6')!.url}/agent/identity`);
    expect(v06.body.agent_auth.register_uri).toBeUndefined();
  });

  it('each serves its own AUTH.md, with its own URLs (PROTOCOL-v0.6.md §1 agent_auth.skill)', async () => {
    const v06Url = host.serviceFor('v0.6')!.url;
    const read = (base: string) => fetch(`${base}/auth.md`).then(async (r) => ({ status: r.status, type: r.headers.get('content-type'), text: await r.text() }));
    const [v01, v06] = [await read(host.urls.service), await read(v06Url)];
    expect([v01.status, v06.status]).toEqual([200, 200]);
    expect(v06.type).toMatch(/^text\/markdown/);
    expect(v01.text).toContain(`${host.urls.service}/agent/auth`);
    expect(v06.text).toContain(`${v06Url}/agent/identity`);
    expect(v06.text).not.toContain(host.urls.service);
    expect(v01.text).not.toContain(v06Url);
  });

  it('keeps each service in its own database file: a registration at one is not at the other', async () => {
    expect(existsSync(join(dataDir, 'service.db'))).toBe(true);
    expect(existsSync(join(dataDir, 'service-v0.6.db'))).toBe(true);
    const r = await registerAnonymously['v0.6'](host.serviceFor('v0.6')!.url);
    expect(r.status).toBe(200);
    const v06 = host.serviceFor('v0.6')!.handle.inspect().registrations as { id: string }[];
    expect(v06.map((x) => x.id)).toContain(r.body.registration_id);
    const v01 = host.service.inspect().registrations as { id: string }[];
    expect(v01.map((x) => x.id)).not.toContain(r.body.registration_id);
  });

  it('records both services as the Service lifeline, each exchange labelled with the profile it speaks', async () => {
    const traceId = host.trace.beginTrace({ title: 'both profiles' });
    await registerAnonymously['v0.1'](host.urls.service);
    await registerAnonymously['v0.6'](host.serviceFor('v0.6')!.url);
    await host.trace.idle();
    const list = host.trace.exchanges(traceId);
    const labels = list.map((e) => [e.to, new URL(e.url).pathname, e.serviceProfile]);
    expect(labels).toEqual([
      ['Service', '/agent/auth', 'v0.1'],
      ['Service', '/agent/identity', 'v0.6'],
    ]);
  });

  it('the bundled provider is trusted by both and mints for either audience (its issuer)', async () => {
    const provider = host.urls.provider;
    const login = await postJson(`${provider}/login`, { email: 'alice@example.com' });
    const auth = { authorization: `Bearer ${login.body.session_token}`, 'content-type': 'application/json' };
    for (const s of host.services) {
      const grant = await json(`${provider}/grants`, { method: 'POST', headers: auth, body: JSON.stringify({ audience: s.url, mode: 'always' }) });
      expect(grant.status, JSON.stringify(grant.body)).toBe(201);
      const jag = await json(`${provider}/id-jag`, { method: 'POST', headers: auth, body: JSON.stringify({ audience: s.url }) });
      expect(jag.status, JSON.stringify(jag.body)).toBe(200);
    }
    // v0.1 registers the ID-JAG at once (PROTOCOL.md §2): the trust list holds the bundled provider.
    const jag = await json(`${provider}/id-jag`, { method: 'POST', headers: auth, body: JSON.stringify({ audience: host.urls.service }) });
    const reg = await postJson(`${host.urls.service}/agent/auth`, {
      type: 'identity_assertion', assertion_type: 'urn:ietf:params:oauth:token-type:id-jag', assertion: jag.body.assertion,
    });
    expect(reg.status, JSON.stringify(reg.body)).toBe(200);
  });

  it('"Reset all data" wipes both services and starts both afresh on the same URLs', async () => {
    const urls = host.services.map((s) => s.url);
    await registerAnonymously['v0.1'](host.urls.service);
    await registerAnonymously['v0.6'](host.serviceFor('v0.6')!.url);
    expect(host.service.inspect().registrations.length).toBeGreaterThan(0);
    expect(host.serviceFor('v0.6')!.handle.inspect().registrations.length).toBeGreaterThan(0);
    await host.reset();
    expect(host.service.inspect().registrations).toEqual([]);
    expect(host.serviceFor('v0.6')!.handle.inspect().registrations).toEqual([]);
    expect(host.services.map((s) => s.url)).toEqual(urls);
    expect((await registerAnonymously['v0.6'](urls[1])).status).toBe(200);
  });
});

describe('profiles and the companion', () => {
  let host: Host | undefined;
  afterEach(async () => {
    await host?.stop();
    host = undefined;
  });

  it('without the companion (npm run serve) the host runs one service, as before', async () => {
    host = await startHost({ inMemory: true, ports: PORTS, log: () => {} });
    expect(host.services.map((s) => s.profile)).toEqual(['v0.1']);
    expect(host.serviceFor('v0.6')).toBeUndefined();
  });

  it('a v0.6 primary gets a v0.1 companion, kept in service-v0.1.db', async () => {
    const dataDir = tempDir();
    host = await startHost({ dataDir, companion: true, config: { service: { profile: 'v0.6' } }, ports: PORTS, log: () => {} });
    expect(host.services.map((s) => [s.profile, s.primary])).toEqual([['v0.6', true], ['v0.1', false]]);
    expect(existsSync(join(dataDir, 'service-v0.1.db'))).toBe(true);
    const v01 = await asMetadata(host.serviceFor('v0.1')!.url);
    expect(v01.body.agent_auth.register_uri).toBe(`${host.serviceFor('v0.1')!.url}/agent/auth`);
    expect((await registerAnonymously['v0.1'](host.serviceFor('v0.1')!.url)).status).toBe(200);
  });

  it('a data dir keeps each profile\'s registrations across a restart', async () => {
    const dataDir = tempDir();
    host = await startHost({ dataDir, companion: true, ports: PORTS, log: () => {} });
    const r = await registerAnonymously['v0.6'](host.serviceFor('v0.6')!.url);
    await host.stop();
    host = await startHost({ dataDir, companion: true, ports: PORTS, log: () => {} });
    const ids = (host.serviceFor('v0.6')!.handle.inspect().registrations as { id: string }[]).map((x) => x.id);
    expect(ids).toContain(r.body.registration_id);
    expect((host.service.inspect().registrations as { id: string }[]).map((x) => x.id)).not.toContain(r.body.registration_id);
  });
});

describe('the companion flags (npm run serve / npm run web)', () => {
  it('--companion and --companion-port ask for it; --no-companion refuses it; neither leaves the command\'s default', () => {
    const on = parseHostArgs(['--companion', '--companion-port', '8101']).hostOptions;
    expect(on.companion).toBe(true);
    expect(on.ports?.companion).toBe(8101);
    expect(parseHostArgs(['--no-companion']).hostOptions.companion).toBe(false);
    expect(parseHostArgs([]).hostOptions.companion).toBeUndefined();
  });

  it('says what is wrong with a bad combination or port', () => {
    expect(() => parseHostArgs(['--companion', '--no-companion'])).toThrow(UsageError);
    expect(() => parseHostArgs(['--companion-port', 'eighty'])).toThrow(/--companion-port must be a port number/);
  });
});
