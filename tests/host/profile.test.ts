import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfig } from '../../src-servers/host/config.js';
import { parseHostArgs, UsageError } from '../../src-servers/host/cli.js';
import { startHost } from '../../src-servers/host/host.js';
import { HOST_HOOK_TIMEOUT_MS, spawnHost } from '../conformance/support/host.js';

describe('service.profile and --profile (DESIGN.md rule 8, PROTOCOL-v0.6.md §9)', () => {
  it('v0.1 is the default; v0.6 and its keys parse; an unknown profile names the key', () => {
    expect(parseConfig({}).service.profile).toBe('v0.1');
    const c = parseConfig({ service: { profile: 'v0.6', idJagMaxAuthAgeSeconds: 60, trustedIssuers: ['http://localhost:4310', { iss: 'https://idp.example', displayName: 'Example IdP' }] } });
    expect(c.service).toMatchObject({ profile: 'v0.6', idJagMaxAuthAgeSeconds: 60, serviceAssertionTtlSeconds: 3600, userCodeTtlSeconds: 600, userCodeMaxAttempts: 5, pollIntervalSeconds: 5, sessionTtlSeconds: 86400 });
    expect(c.service.trustedIssuers).toEqual(['http://localhost:4310', 'https://idp.example']);
    expect(c.service.issuerDisplayNames).toEqual({ 'https://idp.example': 'Example IdP' });
    expect(() => parseConfig({ service: { profile: 'v0.2' } })).toThrow(/"service\.profile"/);
  });

  it('a parsed config parses again unchanged (startHost re-parses what the CLI parsed)', () => {
    const once = parseConfig({ service: { profile: 'v0.6', trustedIssuers: ['http://localhost:4310', { iss: 'https://idp.example', displayName: 'Example IdP' }] } });
    expect(parseConfig(once)).toEqual(once);
  });

  it('--profile overrides the config file, and a bad value is a usage error', () => {
    const dir = mkdtempSync(join(tmpdir(), 'profile-'));
    const file = join(dir, 'c.json');
    writeFileSync(file, JSON.stringify({ service: { profile: 'v0.6', pollIntervalSeconds: 9 } }));
    expect(parseHostArgs(['--config', file]).hostOptions.config?.service.profile).toBe('v0.6');
    const over = parseHostArgs(['--config', file, '--profile', 'v0.1']).hostOptions.config!;
    expect(over.service.profile).toBe('v0.1');
    expect(over.service.pollIntervalSeconds).toBe(9);
    expect(parseHostArgs(['--profile', 'v0.6']).hostOptions.config?.service.profile).toBe('v0.6');
    expect(() => parseHostArgs(['--profile', 'v9'])).toThrow(UsageError);
  });

  it('a v0.6 host serves v0.6 discovery end to end', async () => {
    const host = await startHost({ inMemory: true, ports: { service: 0, provider: 0, mailbox: 0, smtp: 0 }, config: { service: { profile: 'v0.6' } } });
    try {
      const meta = (await (await fetch(`${host.urls.service}/.well-known/oauth-authorization-server`)).json()) as { agent_auth: Record<string, unknown> };
      expect(meta.agent_auth.identity_endpoint).toBe(`${host.urls.service}/agent/identity`);
      expect(meta.agent_auth).not.toHaveProperty('register_uri');
      expect((await fetch(`${host.urls.service}/agent/auth`, { method: 'POST' })).status).toBe(404);
    } finally {
      await host.stop();
    }
  });

  it('npm run serve --profile v0.6 with a config file: the banner names the profile, READY stays v0.1 §9\'s three URLs', async () => {
    const h = await spawnHost({ config: { service: { trustedIssuers: [{ iss: 'http://localhost:4310', displayName: 'Reference' }] } }, args: ['--profile', 'v0.6'] });
    try {
      expect(Object.keys(h.urls).sort()).toEqual(['mailbox', 'provider', 'service']);
      expect(h.stderr()).toContain('profile v0.6');
      const meta = (await (await fetch(`${h.urls.service}/.well-known/oauth-authorization-server`)).json()) as { agent_auth: Record<string, unknown> };
      expect(meta.agent_auth.events_endpoint).toBe(`${h.urls.service}/agent/event/notify`);
    } finally {
      await h.stop();
    }
  }, HOST_HOOK_TIMEOUT_MS);
});
