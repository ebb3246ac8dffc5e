import type { Router } from 'express';
import { PREFIX, SERVICE_PATHS } from '../../../../protocol/constants.js';
import { ProtocolError } from '../../../../protocol/errors.js';
import { iso, url, type ServiceContext } from '../../../context.js';
import { clientIp, noStore, requireMediaType } from '../../../http.js';
import { matchUser } from '../identity.js';
import { issueCredential } from '../issue.js';
import { claimEmail } from '../../../mail.js';
import { limitIp } from '../../../rateLimit.js';
import { parseBody } from '../../../../http/body.js';
import { challengeRequest, claimRequest, completeRequest } from '../schemas.js';
import { matchesHash, newId, newOtp, newSecret, sha256 } from '../../../secrets.js';

export interface StartedAttempt {
  id: string;
  token: string;
  linkExpiresAt: number;
}

/** PROTOCOL.md §3: a new attempt supersedes every open one, so only the newest link works. */
export function startClaimAttempt(ctx: ServiceContext, registrationId: string, email: string): StartedAttempt {
  const now = ctx.now();
  const superseded = ctx.store.claimAttempts.supersedeOpen(registrationId);
  if (superseded > 0) ctx.audit('claim.superseded', registrationId, { attempts: superseded });
  const attempt = { id: newId(PREFIX.claimAttempt), token: newSecret(PREFIX.claimAttemptToken), linkExpiresAt: now + ctx.config.claimLinkTtlSeconds * 1000 };
  ctx.store.claimAttempts.insert({
    id: attempt.id, registration_id: registrationId, token_hash: sha256(attempt.token), email,
    link_expires_at: attempt.linkExpiresAt, created_at: now,
  });
  ctx.audit('claim.requested', registrationId, { claim_attempt_id: attempt.id, email });
  return attempt;
}

/**
 * Send the claim email, or throw the ProtocolError its failure means: a recipient the mail server
 * refuses (RFC 5321 §4.2.1: a 5yz reply to RCPT TO) is the client's mistake → `invalid_request`;
 * anything else (the server is down, a 4yz) is ours → `server_error`, logged.
 */
export async function sendClaimEmail(ctx: ServiceContext, registrationId: string, email: string, attempt: StartedAttempt): Promise<void> {
  const link = `${url(ctx, 'claimView')}?token=${encodeURIComponent(attempt.token)}`;
  try {
    await ctx.sendMail(claimEmail({ to: email, link, expiresAt: iso(attempt.linkExpiresAt), serviceName: new URL(ctx.issuer).host }));
  } catch (err) {
    const e = err as { code?: string; responseCode?: number; message?: string };
    if (e.code === 'EENVELOPE' && typeof e.responseCode === 'number' && e.responseCode >= 500 && e.responseCode < 600) {
      throw new ProtocolError('invalid_request', `The mail server refused the address ${email} (SMTP ${e.responseCode}). Check the address and try again.`);
    }
    ctx.log(`service: claim email to ${email} failed: ${e.message ?? String(err)}`);
    throw new ProtocolError('server_error', 'Could not send the claim email. Retry later.');
  }
  ctx.audit('claim.email_sent', registrationId, { claim_attempt_id: attempt.id, to: email });
}

export function claimRoutes(router: Router, ctx: ServiceContext): void {
  // §3 row 1: the agent names the person's email; the person gets a link (anonymous registrations only).
  router.post(SERVICE_PATHS.claim, async (req, res) => {
    requireMediaType(req, 'application/json', 'application/json');
    const body = parseBody(claimRequest, req.body);
    ctx.expireDue();
    const reg = ctx.store.registrations.byClaimTokenHash(sha256(body.claim_token));
    if (!reg) throw new ProtocolError('invalid_claim_token', 'Unknown claim_token. Use the one from your registration response.');
    if (reg.kind !== 'anonymous') throw new ProtocolError('claimed_or_in_flight', 'A verified-email registration\'s claim started when it registered: ask the person for the code in their email.');
    if (reg.status === 'claimed') throw new ProtocolError('claimed_or_in_flight', 'This registration is already claimed.');
    if (reg.status !== 'pending') throw new ProtocolError('claim_expired', 'This registration has expired. Register again.');
    limitIp(ctx, 'anonymous', clientIp(req)); // each call sends an email: keep it from becoming a mail cannon

    const email = body.email.toLowerCase();
    const attempt = ctx.store.transaction(() => startClaimAttempt(ctx, reg.id, email));
    await sendClaimEmail(ctx, reg.id, email, attempt);
    noStore(res);
    res.json({ registration_id: reg.id, claim_attempt_id: attempt.id, status: 'initiated', expires_at: iso(attempt.linkExpiresAt) });
  });

  // §3 row 3: called by the claim page when the person presses "Reveal code"; each call rotates the code.
  router.post(SERVICE_PATHS.claimChallenge, (req, res) => {
    requireMediaType(req, 'application/json', 'application/json');
    const body = parseBody(challengeRequest, req.body);
    ctx.expireDue();
    const attempt = ctx.store.claimAttempts.byTokenHash(sha256(body.claim_attempt_token));
    if (!attempt) throw new ProtocolError('invalid_request', 'This claim link is not valid. Use the newest link from the email.');
    const reg = ctx.store.registrations.byId(attempt.registration_id)!;
    if (attempt.status === 'completed' || reg.status === 'claimed') throw new ProtocolError('claim_completed', 'This registration is already claimed. Nothing more to do.');
    if (reg.status !== 'pending') throw new ProtocolError('claim_expired', 'This registration has expired.');
    if (attempt.status === 'superseded') throw new ProtocolError('claim_superseded', 'A newer claim link was sent; use the newest email.');
    if (attempt.link_expires_at <= ctx.now()) throw new ProtocolError('claim_expired', 'This claim link has expired. Ask your agent to start the claim again.');

    const otp = newOtp();
    const expiresAt = ctx.now() + ctx.config.otpTtlSeconds * 1000;
    ctx.store.transaction(() => {
      ctx.store.claimAttempts.setOtp(attempt.id, sha256(otp), expiresAt);
      ctx.audit('otp.generated', reg.id, { claim_attempt_id: attempt.id, expires_at: iso(expiresAt) });
    });
    noStore(res);
    res.json({ type: 'otp', challenge: otp, expires_at: iso(expiresAt) });
  });

  // §3 row 4: the agent presents the code the person read back. Everything after parsing is
  // synchronous, and the final UPDATEs are conditional, so of N identical requests exactly one wins.
  router.post(SERVICE_PATHS.claimComplete, (req, res) => {
    requireMediaType(req, 'application/json', 'application/json');
    const body = parseBody(completeRequest, req.body);
    ctx.expireDue();
    const now = ctx.now();
    const reg = ctx.store.registrations.byClaimTokenHash(sha256(body.claim_token));
    if (!reg) throw new ProtocolError('invalid_claim_token', 'Unknown claim_token. Use the one from your registration response.');
    if (reg.status === 'claimed') throw new ProtocolError('previously_claimed', 'This registration is already claimed.');
    if (reg.status !== 'pending') throw new ProtocolError('claim_expired', 'This registration has expired. Register again.');
    const attempt = ctx.store.claimAttempts.openFor(reg.id);
    if (!attempt?.otp_hash || attempt.otp_expires_at === null) {
      throw new ProtocolError('otp_not_generated', 'No code yet: the person must open the emailed link and press "Reveal code".');
    }
    const max = ctx.config.otpMaxAttempts;
    if (attempt.otp_failures >= max) throw new ProtocolError('otp_locked', `Too many wrong codes. The person must press the button on the claim page for a new code.`);
    if (attempt.otp_expires_at <= now) throw new ProtocolError('otp_expired', 'The code has expired. The person must press the button on the claim page for a new code.');
    if (!matchesHash(body.otp, attempt.otp_hash)) {
      ctx.store.transaction(() => {
        ctx.store.claimAttempts.countFailure(attempt.id);
        ctx.audit('otp.failed', reg.id, { claim_attempt_id: attempt.id, failures: attempt.otp_failures + 1 });
      });
      const left = max - attempt.otp_failures - 1;
      throw new ProtocolError('otp_invalid', `That code is wrong; ${left} ${left === 1 ? 'try' : 'tries'} left for this code.`);
    }

    const outcome = ctx.store.transaction(() => {
      if (!ctx.store.claimAttempts.complete(attempt.id, attempt.otp_hash!)) {
        throw new ProtocolError('previously_claimed', 'This registration is already claimed.');
      }
      // The code reached the person at this address, so it is a verified email now.
      const userId = matchUser(ctx, { email: attempt.email, emailVerified: true, phoneNumberVerified: false }, reg.id);
      if (!ctx.store.registrations.markClaimed(reg.id, userId, now)) {
        throw new ProtocolError('previously_claimed', 'This registration is already claimed.');
      }
      const scopes = ctx.config.postClaimScopes;
      let issued;
      if (reg.kind === 'anonymous') {
        // §3: the same API key keeps working, now with the post-claim scopes.
        ctx.store.credentials.setScopesForRegistration(reg.id, scopes);
        ctx.audit('credential.scopes_changed', reg.id, { scopes });
      } else {
        issued = issueCredential(ctx, reg.id, reg.credential_type, scopes);
      }
      ctx.audit('claim.confirmed', reg.id, { claim_attempt_id: attempt.id, user_id: userId, email: attempt.email });
      return issued;
    });
    noStore(res);
    res.json({ registration_id: reg.id, status: 'claimed', ...outcome });
  });
}
