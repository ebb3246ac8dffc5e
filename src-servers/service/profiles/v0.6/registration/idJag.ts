import type { Request } from 'express';
import { PREFIX } from '../../../../protocol/constants.js';
import { PREFIX_V06 } from '../../../../protocol/v0.6/constants.js';
import { AuthTimeError } from '../../../checks/authTime.js';
import { iso, type ServiceContext } from '../../../context.js';
import { clientIp } from '../../../http.js';
import { limitIp } from '../../../rateLimit.js';
import { newId, newOpaque, sha256 } from '../../../secrets.js';
import type { UserRow } from '../../../store/users.js';
import { issueServiceAssertion } from '../assertion.js';
import { startAttemptV06, type StartedAttemptV06 } from '../ceremony.js';
import { IdentityError } from '../errors.js';
import { urlV06 } from '../paths.js';
import { verifyIdJagV06, type VerifiedIdJagV06 } from '../verifyIdJag.js';

/** §2: `reg_` + the first 22 hex digits of SHA-256(`iss|sub|aud`) — one row per triple, the same id every time. */
export const idJagRegistrationId = (iss: string, sub: string, aud: string) => `${PREFIX_V06.registration}${sha256(`${iss}|${sub}|${aud}`).slice(0, 22)}`;

/** A `WWW-Authenticate: AgentAuth …` parameter value (RFC 9110 §11.2 quoted-string, kept simple). */
const quoted = (v: string) => `"${v.replace(/["\\]/g, "'")}"`;

type Outcome = { kind: 'clean'; userId: string } | { kind: 'step_up'; claimToken: string; expiresAt: number; attempt: StartedAttemptV06 };

/**
 * PROTOCOL-v0.6.md §2 identity_assertion: the ID-JAG checks (verifyIdJag.ts), then user matching.
 * A delegation `(iss, sub)` or a new (JIT) user is a clean match: 200 with a service assertion. A
 * verified email or phone that matches an existing account without a delegation is the step-up
 * (v0.5's fix for the account takeover): 401 `interaction_required`, and the account holder confirms.
 */
export async function registerIdJagV06(ctx: ServiceContext, req: Request, assertion: string) {
  if (!ctx.config.identityTypes.idJag) throw new IdentityError('issuer_not_enabled', 'This service does not accept ID-JAG registrations. Check identity_types_supported in the metadata.');
  limitIp(ctx, 'identity_assertion', clientIp(req));
  let idJag: VerifiedIdJagV06;
  try {
    idJag = await verifyIdJagV06(assertion, ctx);
  } catch (err) {
    if (!(err instanceof AuthTimeError)) throw err;
    // §2 row 12 (OIDC Core §3.1.2.1 max_age): a fresh sign-in at the provider is needed.
    throw new IdentityError('login_required', err.message, { max_age: err.maxAgeSeconds }, {
      'WWW-Authenticate': `AgentAuth error="login_required", max_age="${err.maxAgeSeconds}", error_description=${quoted(err.message)}`,
    });
  }
  const registrationId = idJagRegistrationId(idJag.iss, idJag.sub, ctx.issuer);
  // §2: the service assertion copies email, email_verified and amr from the ID-JAG.
  const copied = { email: idJag.email, email_verified: idJag.emailVerified, ...(idJag.amr ? { amr: idJag.amr } : {}) };
  const outcome = ctx.store.transaction(() => match(ctx, idJag, registrationId, JSON.stringify(copied)));

  if (outcome.kind === 'step_up') {
    const message = 'An account with this verified email already exists here. Its holder must sign in at this service and confirm the link once: show them claim.user_code and claim.verification_uri, then poll the token endpoint with the claim grant.';
    throw new IdentityError('interaction_required', message, {
      registration_id: registrationId,
      registration_type: 'identity_assertion',
      claim_url: urlV06(ctx, 'claim'),
      claim_token: outcome.claimToken,
      claim_token_expires: iso(outcome.expiresAt),
      post_claim_scopes: ctx.config.postClaimScopes,
      claim: outcome.attempt.block,
    }, { 'WWW-Authenticate': `AgentAuth error="interaction_required", error_description=${quoted('The account holder must confirm this link at the service.')}` });
  }
  const issued = await issueServiceAssertion(ctx, registrationId, copied);
  return { registration_id: registrationId, registration_type: 'identity_assertion', ...issued, scopes: ctx.config.postClaimScopes };
}

/** §2 user matching, inside one transaction: delegation → verified email/phone of an account (step-up) → JIT. */
function match(ctx: ServiceContext, idJag: VerifiedIdJagV06, registrationId: string, claims: string): Outcome {
  const { users } = ctx.store;
  const { registrations, accounts } = ctx.store.v06;
  const now = ctx.now();
  const row = registrations.byId(registrationId);
  const bindRow = (userId: string): Outcome => {
    if (row) registrations.bind(registrationId, userId, claims, now);
    else {
      registrations.insert({
        id: registrationId, type: 'identity_assertion', status: 'claimed', user_id: userId, login_hint: null,
        iss: idJag.iss, sub: idJag.sub, aud: ctx.issuer, claims, claim_token_hash: null, expires_at: null, created_at: now,
      });
      ctx.audit('registration.created', registrationId, { kind: 'identity_assertion', iss: idJag.iss, sub: idJag.sub });
    }
    ctx.store.v06.claimAttempts.supersedeOpen(registrationId);
    ctx.audit('registration.bound', registrationId, { user_id: userId });
    return { kind: 'clean', userId };
  };

  const delegated = users.delegatedUser(idJag.iss, idJag.sub);
  if (delegated) return bindRow(delegated);
  // "If the row was bound meanwhile, the step-up path answers the clean 200."
  if (row?.status === 'claimed' && row.user_id) return bindRow(row.user_id);

  const email = idJag.emailVerified && idJag.email ? idJag.email.toLowerCase() : undefined;
  const phone = idJag.phoneNumberVerified && idJag.phoneNumber ? idJag.phoneNumber : undefined;
  const account: UserRow | undefined = (email ? users.byEmail(email) : undefined) ?? (phone ? users.byPhone(phone) : undefined);
  if (account) {
    // Step-up: the row is pending (new or again), with a new claim handle; the old ones stop working.
    const claimToken = newOpaque(PREFIX_V06.claimToken, 26);
    const expiresAt = now + ctx.config.registrationTtlSeconds * 1000;
    const hint = (account.email ?? email ?? '').toLowerCase();
    if (row) registrations.reopen({ id: registrationId, login_hint: hint, claims, claim_token_hash: sha256(claimToken), expires_at: expiresAt });
    else {
      registrations.insert({
        id: registrationId, type: 'identity_assertion', status: 'pending', user_id: null, login_hint: hint,
        iss: idJag.iss, sub: idJag.sub, aud: ctx.issuer, claims, claim_token_hash: sha256(claimToken), expires_at: expiresAt, created_at: now,
      });
      ctx.audit('registration.created', registrationId, { kind: 'identity_assertion', iss: idJag.iss, sub: idJag.sub });
    }
    ctx.audit('registration.step_up', registrationId, { account_id: account.id });
    return { kind: 'step_up', claimToken, expiresAt, attempt: startAttemptV06(ctx, registrationId, hint) };
  }

  // JIT: a new user (the verified email, or agent+<sub>@jit.local) and its delegation.
  const userId = newId(PREFIX.user);
  users.insert({ id: userId, email: email ?? `agent+${idJag.sub}@jit.local`, phone_number: phone ?? null, name: idJag.name ?? null, created_at: now });
  ctx.audit('user.created', registrationId, { user_id: userId, email: email ?? null });
  accounts.upsertDelegation(idJag.iss, idJag.sub, userId, now);
  ctx.audit('delegation.created', registrationId, { iss: idJag.iss, sub: idJag.sub, user_id: userId });
  return bindRow(userId);
}
