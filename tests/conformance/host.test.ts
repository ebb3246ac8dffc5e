/** PROTOCOL.md §9 — the host as a process: config errors, READY, ports, signals, persistence. */
import { afterAll, describe, expect, it, vi } from 'vitest';
import { createServer, type Server } from 'node:net';
import { HOST_HOOK_TIMEOUT_MS, hostArgs, runToExit, spawnHost, tempDir, writeConfig, type RunningHost } from './support/host.js';
import { startTestProvider } from './support/provider.js';
import { expectError, expectOk } from './support/http.js';
import {
  challenge,
  complete,
  discover,
  readResource,
  registerAnonymous,
  registerIdJag,
  startClaim,
  uniqueEmail,
  writeResource,
} from './support/service.js';

// Every test here starts its own host process (two for the restart test).
vi.setConfig({ testTimeout: HOST_HOOK_TIMEOUT_MS });

const started: RunningHost[] = [];
afterAll(async () => {
  await Promise.all(started.map((h) => h.stop()));
});

async function host(opts: Parameters<typeof spawnHost>[0] = {}) {
  const h = await spawnHost(opts);
  started.push(h);
  return h;
}

describe('config file', () => {
  it('an unknown key → non-zero exit and the message names the key', async () => {
    const file = writeConfig({ service: { trustedIssuers: [], frobnicate: true } });
    const r = await runToExit(['--config', file, '--in-memory', '--service-port', '0', '--provider-port', '0', '--mailbox-port', '0', '--smtp-port', '0']);
    expect(r.code, r.stderr).not.toBe(0);
    expect(r.code).not.toBeNull();
    expect(r.stdout + r.stderr).toContain('frobnicate');
    expect(r.stdout).not.toContain('READY');
    expect(r.stderr, 'no stack trace for a user mistake').not.toMatch(/\n\s+at\s/);
  });

  it('an unknown top-level key is named too', async () => {
    const r = await runToExit(hostArgs({ config: { servic: {} } }));
    expect(r.code).not.toBe(0);
    expect(r.stdout + r.stderr).toContain('servic');
  });

  it('a config file that is not JSON, or an unknown flag → non-zero exit with a message, no READY', async () => {
    const notJson = writeConfig('{ "service": ');
    const a = await runToExit(['--config', notJson, '--in-memory']);
    expect(a.code).not.toBe(0);
    expect(a.stderr).toContain('config.json');
    expect(a.stdout).not.toContain('READY');
    const b = await runToExit(['--no-such-flag', '--in-memory']);
    expect(b.code).not.toBe(0);
    expect(b.stderr).toContain('no-such-flag');
  });
});

describe('READY line', () => {
  it('is one line: READY {"service","provider","mailbox"} with loopback URLs that answer', async () => {
    const h = await host();
    expect(h.readyLine).toMatch(/^READY \{.*\}$/);
    expect(h.stdout().split('\n').filter((l) => l.startsWith('READY')).length).toBe(1);
    const keys = Object.keys(h.urls).sort();
    expect(keys).toEqual(['mailbox', 'provider', 'service']);
    for (const url of Object.values(h.urls)) expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(new Set(Object.values(h.urls)).size).toBe(3);
    expect((await fetch(`${h.urls.service}/.well-known/oauth-protected-resource`)).status).toBe(200);
    expect((await fetch(`${h.urls.provider}/.well-known/openid-configuration`)).status).toBe(200);
    expect((await fetch(`${h.urls.mailbox}/messages`)).status).toBe(200);
  });
});

describe('ports', () => {
  it('a taken service port → the host says so and picks another', async () => {
    const blocker: Server = createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', () => r()));
    const taken = (blocker.address() as { port: number }).port;
    try {
      const h = await host({ ports: { service: taken } });
      const port = Number(new URL(h.urls.service).port);
      expect(port).not.toBe(taken);
      expect(h.stderr() + h.stdout(), 'the host says the port was taken').toContain(String(taken));
      expect((await fetch(`${h.urls.service}/.well-known/oauth-protected-resource`)).status).toBe(200);
    } finally {
      await new Promise((r) => blocker.close(r));
    }
  });
});

describe('signals', () => {
  it('SIGTERM → exit 0 within 5 s', async () => {
    const h = await spawnHost();
    await fetch(`${h.urls.service}/.well-known/oauth-protected-resource`);
    h.proc.kill('SIGTERM');
    const exit = await Promise.race([h.exited, new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), 5_000))]);
    if (exit === 'timeout') h.proc.kill('SIGKILL');
    expect(exit).toEqual({ code: 0, signal: null });
  });

  it('SIGINT → exit 0 within 5 s', async () => {
    const h = await spawnHost();
    h.proc.kill('SIGINT');
    const exit = await Promise.race([h.exited, new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), 5_000))]);
    if (exit === 'timeout') h.proc.kill('SIGKILL');
    expect(exit).toEqual({ code: 0, signal: null });
  });

  it('SIGTERM lets an in-flight request finish', async () => {
    const h = await spawnHost();
    const d = await discover(h.urls.service);
    const pending = registerAnonymous(d);
    h.proc.kill('SIGTERM');
    const reg = await pending.catch((e) => e as Error);
    const exit = await Promise.race([h.exited, new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), 5_000))]);
    if (exit === 'timeout') h.proc.kill('SIGKILL');
    expect(exit).toEqual({ code: 0, signal: null });
    // Either the request had not reached the host (connection refused) or it finished with a 200.
    if (!(reg instanceof Error)) expect(reg.credential).toMatch(/^sk_test_/);
  });
});

// Issue 14 #8: a second host on the same data dir used to start, silently on other ports, sharing the databases.
describe('one host per --data-dir', () => {
  it('a second host on the same --data-dir exits non-zero naming the running one; once it stops, a new one starts', async () => {
    const dataDir = tempDir('conformance-lock-');
    const first = await host({ dataDir });
    const second = await runToExit(hostArgs({ dataDir }));
    expect(second.code, second.stderr).not.toBe(0);
    expect(second.code).not.toBeNull();
    expect(second.stdout).not.toContain('READY');
    expect(second.stderr).toContain(`PID ${first.proc.pid}`);
    expect(second.stderr).toContain(first.urls.service);
    expect(second.stderr, 'no stack trace for a user mistake').not.toMatch(/\n\s+at\s/);
    // The first host is untouched.
    expect((await fetch(`${first.urls.service}/.well-known/oauth-protected-resource`)).status).toBe(200);
    expect(await first.stop()).toEqual({ code: 0, signal: null });
    const third = await host({ dataDir });
    expect((await fetch(`${third.urls.service}/.well-known/oauth-protected-resource`)).status).toBe(200);
  });

  it('a lock left by a killed host (SIGKILL) is stale: the next host takes the data dir over', async () => {
    const dataDir = tempDir('conformance-lock-');
    const killed = await host({ dataDir });
    killed.proc.kill('SIGKILL');
    await killed.exited;
    const next = await host({ dataDir });
    expect((await fetch(`${next.urls.service}/.well-known/oauth-protected-resource`)).status).toBe(200);
  });
});

describe('restart with the same --data-dir', () => {
  it('keeps an API key working, a pending claim completable, and a used ID-JAG replayed', async () => {
    const tp = await startTestProvider();
    const dataDir = tempDir('conformance-data-');
    const config = { service: { trustedIssuers: [tp.issuer] } };
    try {
      const first = await host({ dataDir, config });
      let d = await discover(first.urls.service);
      const key = await registerAnonymous(d);
      const pending = await registerAnonymous(d);
      const { link } = await startClaim(d, first.urls.mailbox, pending.claim_token, uniqueEmail('restart'));
      const jag = await tp.mintIdJag(d.issuer);
      expectOk(await registerIdJag(d, jag));
      expect(await first.stop()).toEqual({ code: 0, signal: null });

      const oldIssuer = d.issuer;
      const portOf = (u: string) => Number(new URL(u).port);
      // Reuse the ports so URLs (and the AS issuer) survive, as they would for a user.
      const second = await host({
        dataDir,
        config,
        ports: { service: portOf(first.urls.service), provider: portOf(first.urls.provider), mailbox: portOf(first.urls.mailbox) },
      });
      d = await discover(second.urls.service);
      const read = await readResource(d, key.credential);
      expect(read.status, `API key after restart: ${read.describe}`).toBe(200);

      const ch = await challenge(d, link.token);
      expectOk(ch);
      const done = await complete(d, pending.claim_token, ch.json.challenge);
      expectOk(done);
      expect((await writeResource(d, pending.credential)).status).toBe(201);

      // Same token if the issuer URL survived the restart; either way, a fresh token reusing the jti.
      const jti = JSON.parse(Buffer.from(jag.split('.')[1], 'base64url').toString()).jti;
      if (d.issuer === oldIssuer) expectError(await registerIdJag(d, jag), 400, 'replay_detected');
      expectError(await registerIdJag(d, await tp.mintIdJag(d.issuer, { claims: { jti } })), 400, 'replay_detected');
    } finally {
      await tp.close();
    }
  });
});
