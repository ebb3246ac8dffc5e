import { PREFIX_V06, SERVICE_PATHS_V06 } from '../../../protocol/v0.6/constants.js';
import type { ServiceContext } from '../../context.js';
import { newOpaque, newOtp, sha256 } from '../../secrets.js';
import type { ClaimAttemptRowV06 } from '../../store/v06ClaimAttempts.js';

/** PROTOCOL-v0.6.md §3: the ceremony block (`claim` in §2 answers, `claim_attempt` in the claim endpoint's). */
export interface CeremonyBlock {
  user_code: string;
  expires_in: number;
  interval: number;
  verification_uri: string;
}

export interface StartedAttemptV06 {
  id: string;
  token: string;
  linkExpiresAt: number;
  block: CeremonyBlock;
}

/** §3: `<AS>/login?return_to=` + urlencode(`/claim?claim_attempt_token=` + urlencode(cvt_…)). */
export const verificationUri = (ctx: ServiceContext, attemptToken: string) =>
  `${ctx.issuer}${SERVICE_PATHS_V06.login}?return_to=${encodeURIComponent(`${SERVICE_PATHS_V06.claimPage}?claim_attempt_token=${encodeURIComponent(attemptToken)}`)}`;

/**
 * §3: start or restart the ceremony. Every call supersedes the open attempt (its link answers 404,
 * its code no longer matches) and mints a new `cla_`, `cvt_` (claimLinkTtlSeconds) and `user_code`
 * (userCodeTtlSeconds, CSPRNG, stored hashed, §7) with a fresh wrong-code count. Call in a transaction.
 */
export function startAttemptV06(ctx: ServiceContext, registrationId: string, email: string): StartedAttemptV06 {
  const now = ctx.now();
  const { claimAttempts } = ctx.store.v06;
  claimAttempts.supersedeOpen(registrationId);
  const id = newOpaque(PREFIX_V06.claimAttempt, 22);
  const token = newOpaque(PREFIX_V06.claimAttemptToken, 32);
  const userCode = newOtp(); // crypto.randomInt, zero-padded (secrets.ts)
  const codeTtl = ctx.config.userCodeTtlSeconds;
  const linkExpiresAt = now + ctx.config.claimLinkTtlSeconds * 1000;
  claimAttempts.insert({
    id, registration_id: registrationId, token_hash: sha256(token), email: email.toLowerCase(),
    user_code_hash: sha256(userCode), code_expires_at: now + codeTtl * 1000, link_expires_at: linkExpiresAt, created_at: now,
  });
  ctx.audit('claim.started', registrationId, { claim_attempt_id: id, email: email.toLowerCase() });
  return {
    id, token, linkExpiresAt,
    block: { user_code: userCode, expires_in: codeTtl, interval: ctx.config.pollIntervalSeconds, verification_uri: verificationUri(ctx, token) },
  };
}

/** §3 lockout (beyond): locked once `userCodeMaxAttempts` wrong codes were typed. */
export const isLocked = (ctx: ServiceContext, attempt: ClaimAttemptRowV06) => attempt.failures >= ctx.config.userCodeMaxAttempts;

/** What the claim grant (§5) makes of a pending registration's ceremony. */
export function codeState(ctx: ServiceContext, registrationId: string): 'none' | 'live' | 'expired' | 'locked' {
  const attempt = ctx.store.v06.claimAttempts.latestFor(registrationId);
  if (!attempt || attempt.status !== 'open') return 'none';
  if (isLocked(ctx, attempt)) return 'locked';
  return attempt.code_expires_at <= ctx.now() ? 'expired' : 'live';
}
