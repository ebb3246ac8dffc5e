import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { challenge, claimLink, complete, registerAnonymous, registerVerifiedEmail, registerWithIdJag, startClaim, startService, startTestIssuer, type TestIssuer, type TestService } from './helpers.js';

let issuer: TestIssuer;
let svc: TestService;
beforeAll(async () => {
  issuer = await startTestIssuer();
  svc = await startService({ trustedIssuers: [issuer.url] });
});
afterAll(async () => {
  await svc.close();
  await issuer.close();
});

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

/** Every value in every table of the service database. */
function everyStoredValue(): string[] {
  const tables = svc.db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[];
  return tables.flatMap(({ name }) =>
    (svc.db.prepare(`SELECT * FROM "${name}"`).all() as Record<string, unknown>[]).flatMap((row) => Object.values(row).map((v) => String(v))),
  );
}

describe('secrets at rest are SHA-256 hashes only (PROTOCOL.md §7)', () => {
  it('no API key, access token, claim token, claim-attempt token or OTP is stored in plaintext', async () => {
    const anon = await registerAnonymous(svc);
    await startClaim(svc, anon.claim_token, 'p@example.com');
    const attemptToken = claimLink(svc.mails.at(-1)!).token;
    const otp = (await challenge(svc, attemptToken)).body.challenge as string;

    const email = await registerVerifiedEmail(svc, 'v@example.com', 'access_token');
    const emailAttempt = claimLink(svc.mails.at(-1)!).token;
    const emailOtp = (await challenge(svc, emailAttempt)).body.challenge as string;
    const claimed = await complete(svc, email.body.claim_token, emailOtp);
    const idJag = await registerWithIdJag(svc, await issuer.mintIdJag(svc.url));

    const secrets = [anon.credential, anon.claim_token, attemptToken, email.body.claim_token, emailAttempt, claimed.body.credential, idJag.body.credential];
    const stored = everyStoredValue();
    const dump = stored.join('\n');
    for (const secret of secrets) {
      expect(dump).not.toContain(secret);
      expect(stored).toContain(sha256(secret));
    }
    // The OTP of the open attempt: stored as its hash, never as the six digits themselves.
    expect(stored).not.toContain(otp);
    expect(stored).toContain(sha256(otp));
    // The studio's inspect view shows hints, never hashes or secrets.
    const view = JSON.stringify(svc.handle.inspect());
    for (const secret of secrets) {
      expect(view).not.toContain(secret);
      expect(view).not.toContain(sha256(secret));
    }
  });
});
