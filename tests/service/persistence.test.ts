import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  challenge, claimLink, complete, expectError, getResource, postJson, postResource, registerAnonymous, registerWithIdJag,
  startClaim, startService, startTestIssuer, type TestIssuer,
} from './helpers.js';

let issuer: TestIssuer;
let dir: string;
beforeAll(async () => {
  issuer = await startTestIssuer();
  dir = mkdtempSync(join(tmpdir(), 'service-restart-'));
});
afterAll(async () => {
  await issuer.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('restart keeps state (file database)', () => {
  it('a credential, a pending claim and the jti replay cache survive a restart', async () => {
    const dbFile = join(dir, 'service.db');
    const first = await startService({ dbFile, trustedIssuers: [issuer.url] });
    const reg = await registerAnonymous(first);
    await startClaim(first, reg.claim_token, 'p@example.com');
    const { token } = claimLink(first.mails[0]);
    const code = (await challenge(first, token)).body.challenge as string;
    const idJag = await issuer.mintIdJag(first.url);
    const agentProvider = await registerWithIdJag(first, idJag);
    expect(agentProvider.status).toBe(200);
    await first.close();

    // A new service on a new port, same database file. The old ID-JAG's aud names the old URL,
    // so replay is shown with a fresh token for the new URL that reuses the old jti.
    const second = await startService({ dbFile, trustedIssuers: [issuer.url] });
    try {
      expect((await getResource(second, reg.credential)).body.registration_id).toBe(reg.registration_id);
      expect((await getResource(second, agentProvider.body.credential)).status).toBe(200);
      const jti = JSON.parse(Buffer.from(idJag.split('.')[1], 'base64url').toString()).jti as string;
      expectError(await registerWithIdJag(second, await issuer.mintIdJag(second.url, { jti })), 400, 'replay_detected');
      // The code revealed before the restart completes the claim after it.
      expect((await complete(second, reg.claim_token, code)).status).toBe(200);
      expect((await postResource(second, reg.credential)).status).toBe(201);
    } finally {
      await second.close();
    }
  });

  it('rate-limit counts survive a restart: they are written once per tick and when the service stops (issue 19)', async () => {
    const dbFile = join(dir, 'limits.db');
    const config = { rateLimits: { anonymousPerIpPerHour: 3 } };
    const first = await startService({ dbFile, config });
    expect((await registerAnonymous(first)).registration_id).toBeTruthy();
    expect((await registerAnonymous(first)).registration_id).toBeTruthy();
    await first.close(); // right after the answers (what a tick has not written yet, stop() writes)
    const second = await startService({ dbFile, config });
    try {
      expect((await registerAnonymous(second)).registration_id).toBeTruthy();
      const limited = await postJson(`${second.url}/agent/auth`, { type: 'anonymous', requested_credential_type: 'api_key' });
      expectError(limited, 429, 'rate_limited');
    } finally {
      await second.close();
    }
  });
});
