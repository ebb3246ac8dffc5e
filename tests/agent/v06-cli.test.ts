/**
 * `npm run agent` and v0.6: the flow list and help name service-auth and say which profile each flow
 * and lesson belongs to (runs now); against an in-process v0.6 host it prints the profile it
 * discovered (needs the v0.6 service of wt-svc06).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Host } from '../../src-servers/host/host.js';
import type { HostConfigInput } from '../../src-servers/host/config.js';
import { runAgentCli, startTestHost } from './helpers.js';

describe('the agent CLI names the v0.6 flow and the profiles', () => {
  it('--help and --list name service-auth, and each flow and lesson says its profiles', async () => {
    const help = await runAgentCli(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/--flow id-jag\|verified-email\|service-auth\|anonymous\|revocation/);
    expect(help.stdout).toMatch(/verified-email is\s+v0\.1's email path, service-auth is v0\.6's/);
    const list = await runAgentCli(['--list']);
    expect(list.stdout).toMatch(/service-auth\s+Service auth: sign in at the service \(v0\.6\) \[v0\.6\]/);
    expect(list.stdout).toMatch(/verified-email\s+.*\[v0\.1\]/);
    expect(list.stdout).toMatch(/account-takeover\s+\[id-jag; v0\.1, v0\.6\]/);
    expect(list.stdout).toMatch(/wrong-otp\s+\[anonymous; v0\.1\]/);
    expect(list.stdout).toMatch(/polling-too-early\s+\[anonymous; v0\.6\]/);
    const bad = await runAgentCli(['--flow', 'telepathy']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('one of id-jag, verified-email, anonymous, revocation, service-auth');
  }, 60_000);

  it('service-auth against our v0.1 in-memory host fails with the reason and names verified-email', async () => {
    const r = await runAgentCli(['--flow', 'service-auth', '--autopilot']);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('Profile: v0.1');
    expect(r.stdout).toMatch(/service-auth flow exists only in v0\.6\. Its email path is\s+verified_email: run the verified-email flow/);
  }, 60_000);
});

describe('the agent CLI against our v0.6 host (needs the v0.6 service of wt-svc06)', () => {
  let host: Host;
  beforeAll(async () => {
    host = await startTestHost({ service: { profile: 'v0.6' } } as unknown as HostConfigInput);
  });
  afterAll(() => host?.stop());

  it('service-auth --autopilot succeeds and prints the profile it discovered', async () => {
    const r = await runAgentCli(['--flow', 'service-auth', '--autopilot', '--service', host.urls.service, '--provider', host.urls.provider]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('Profile: v0.6 (read from the authorization server metadata)');
    expect(r.stdout).toMatch(/Poll the claim grant\s+✓ done/);
    expect(r.stdout).toContain('Outcome: success');
  }, 60_000);

  it('verified-email against it stops and names service-auth', async () => {
    const r = await runAgentCli(['--flow', 'verified-email', '--autopilot', '--service', host.urls.service, '--provider', host.urls.provider]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/Its email path is\s+service_auth: run the service-auth flow/);
  }, 60_000);
});
