/**
 * `npm run agent -- --service URL --provider URL` without --mailbox (issue 13): a service the
 * agent's host does not run mails the user for real, so the person reads the code to the agent;
 * under --autopilot the agent says plainly that it cannot read that mail.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Host } from '../../src-servers/host/host.js';
import { runAgentCli, startTestHost } from './helpers.js';

const cli = (args: string[], input = '') => runAgentCli(args, input);

let host: Host;
beforeAll(async () => {
  host = await startTestHost();
});
afterAll(() => host.stop());

describe('npm run agent without --mailbox', () => {
  it('starts, and the id-jag flow (no mail involved) succeeds', async () => {
    const r = await cli(['--flow', 'id-jag', '--autopilot', '--service', host.urls.service, '--provider', host.urls.provider]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toContain('mailbox none (you read your own mail)');
  }, 60_000);

  it('under --autopilot, a claim fails saying it cannot read the mail of a service it does not host', async () => {
    const r = await cli(['--flow', 'anonymous', '--autopilot', '--service', host.urls.service, '--provider', host.urls.provider]);
    expect(r.code).toBe(1);
    expect(r.stdout.replace(/\s+/g, ' ')).toContain('I cannot read your mail for a service I do not host');
  }, 60_000);

  it('without --autopilot it asks the person for the code (no inbox link, no "do it as you")', async () => {
    const r = await cli(['--flow', 'anonymous', '--service', host.urls.service, '--provider', host.urls.provider]);
    expect(r.stdout).toContain('The service emailed you a claim link. Open that mail');
    expect(r.stderr).toContain('Code: ');
    expect(r.stdout).not.toContain('/messages');
    expect(r.code).toBe(1); // no code typed (end of input): it stops, saying why
  }, 60_000);

  it('--mailbox without --service is a usage error', async () => {
    const r = await cli(['--flow', 'anonymous', '--mailbox', host.urls.mailbox]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--provider and --mailbox go with --service');
  }, 60_000);
});
