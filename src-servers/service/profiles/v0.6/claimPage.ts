import type { Request, Response, Router } from 'express';
import { SERVICE_PATHS_V06 } from '../../../protocol/v0.6/constants.js';
import { CLAIM_PAGE_OUTCOMES_V06, type ClaimPageOutcomeV06 } from '../../../protocol/v0.6/errors.js';
import type { ServiceContext } from '../../context.js';
import { escapeHtml } from '../../../http/html.js';
import { sendPage } from '../../html.js';
import { matchesHash, sha256 } from '../../secrets.js';
import type { ClaimAttemptRowV06 } from '../../store/v06ClaimAttempts.js';
import type { RegistrationRowV06 } from '../../store/v06Registrations.js';
import type { UserRow } from '../../store/users.js';
import { isLocked } from './ceremony.js';
import { hidden, logoutForm } from './login.js';
import { FORM_TOKEN_FIELD, issueFormToken, sessionUser, validFormToken } from './session.js';

const TOKEN = /^cvt_[A-Za-z0-9_-]{32}$/;
const completeBinding = (token: string) => `complete\n${token}`;

/** One HTML outcome of §3, by the name PROTOCOL-v0.6.md §10 gives it; the status is the outcome. */
function outcome(res: Response, name: ClaimPageOutcomeV06, title: string, text: string, extraHtml = ''): void {
  sendPage(res, CLAIM_PAGE_OUTCOMES_V06[name], { title, forms: true, body: `<p data-outcome="${name}">${escapeHtml(text)}</p>${extraHtml}` });
}

const claimLink = (token: string) => `${SERVICE_PATHS_V06.claimPage}?claim_attempt_token=${encodeURIComponent(token)}`;
const loginRedirect = (token: string) => `${SERVICE_PATHS_V06.login}?return_to=${encodeURIComponent(claimLink(token))}`;

interface Located { attempt: ClaimAttemptRowV06; reg: RegistrationRowV06 }

/** The attempt a link names, if it is the live one: unknown, superseded and SET-revoked links are all 404. */
function locate(ctx: ServiceContext, token: string): Located | undefined {
  ctx.expireDue();
  const attempt = ctx.store.v06.claimAttempts.byTokenHash(sha256(token));
  if (!attempt || attempt.status === 'superseded') return undefined;
  const reg = ctx.store.v06.registrations.byId(attempt.registration_id)!;
  if (reg.claim_token_hash === null && reg.revoked_at !== null && reg.status !== 'claimed') return undefined;
  return { attempt, reg };
}

/** §3 advisories: text above the form, never a block. The issuer is named by our trust list's display name, not the token. */
function advisories(ctx: ServiceContext, reg: RegistrationRowV06, user: UserRow): string[] {
  const notes: string[] = [];
  if (reg.type === 'identity_assertion' && reg.iss && !ctx.store.v06.accounts.hasDelegationFrom(reg.iss, user.id)) {
    const name = ctx.config.issuerDisplayNames[reg.iss] ?? reg.iss;
    notes.push(`first_time_provider|This is the first time ${name} links an agent to your account. Only continue if you just asked your agent to connect through ${name}.`);
  }
  if (ctx.store.v06.registrations.otherClaimedCount(user.id, reg.id) === 0) {
    notes.push('first_time_account|This is the first agent to be linked to your account here.');
  }
  return notes;
}

function claimForm(ctx: ServiceContext, res: Response, status: number, token: string, reg: RegistrationRowV06, user: UserRow, error?: string): void {
  const notes = advisories(ctx, reg, user).map((n) => {
    const [code, text] = n.split('|');
    return `<p class="advisory" data-advisory="${escapeHtml(code)}">${escapeHtml(text)}</p>`;
  }).join('\n');
  sendPage(res, status, {
    title: 'Confirm your agent',
    forms: true,
    body: `<p>Signed in as <strong>${escapeHtml(user.email)}</strong>.</p>
${notes}
<p>An AI agent asks to act for this account at <strong>${escapeHtml(new URL(ctx.issuer).host)}</strong>. Type the 6-digit code your agent shows you.</p>
${error ? `<p class="error" role="alert" data-outcome="user_code_invalid">${escapeHtml(error)}</p>` : ''}
<form method="post" action="${SERVICE_PATHS_V06.claimComplete}">
${hidden('claim_attempt_token', token)}${hidden(FORM_TOKEN_FIELD, issueFormToken(ctx, completeBinding(token)))}
<label for="user_code">Code from your agent</label>
<input type="text" id="user_code" name="user_code" class="code-input" inputmode="numeric" pattern="\\d{6}" maxlength="6" autocomplete="one-time-code" required autofocus>
<div class="row"><button type="submit">Confirm</button></div>
</form>
<div class="row">${logoutForm(ctx)}<span class="muted">Not you? Sign out and sign in with the right account.</span></div>`,
  });
}

/** §3 wrong account: a hard 403 — with the way out, a sign-out that comes back to this link (else the person is stuck). */
const wrongAccount = (ctx: ServiceContext, res: Response, token: string, attempt: ClaimAttemptRowV06, user: UserRow) =>
  outcome(res, 'wrong_account', 'Wrong account', `You are signed in as ${user.email ?? 'another account'}, but this agent asked to be linked to ${attempt.email}. Sign out and sign in as ${attempt.email}.`,
    logoutForm(ctx, claimLink(token), `Sign out, then sign in as ${attempt.email}`));

/** PROTOCOL-v0.6.md §3: `GET /claim` and the form's `POST /agent/identity/claim/complete`, each outcome its status. */
export function claimPageRoutesV06(router: Router, ctx: ServiceContext): void {
  router.get(SERVICE_PATHS_V06.claimPage, (req, res) => {
    const token = typeof req.query.claim_attempt_token === 'string' ? req.query.claim_attempt_token : '';
    if (!TOKEN.test(token)) return outcome(res, 'link_invalid', 'Link not recognised', 'This link is not valid. Ask your agent for the newest one.');
    const user = sessionUser(ctx, req);
    if (!user) return void res.redirect(302, loginRedirect(token));
    const found = locate(ctx, token);
    if (!found) return outcome(res, 'link_invalid', 'Link not recognised', 'This link is not valid, or a newer one replaced it. Ask your agent for the newest link.');
    const { attempt, reg } = found;
    // §3: "Already claimed" comes before the account check.
    if (reg.status === 'claimed' || attempt.status === 'completed') return sendPage(res, 200, { title: 'Already claimed', body: '<p data-outcome="previously_claimed">This agent is already linked. You can close this page.</p>' });
    if (reg.status === 'expired') return outcome(res, 'claim_expired', 'This registration has expired', 'Ask your agent to register again.');
    if (attempt.link_expires_at <= ctx.now()) return outcome(res, 'link_expired', 'This link has expired', 'Ask your agent to start the claim again for a new link and code.');
    if (attempt.email !== user.email?.toLowerCase()) return wrongAccount(ctx, res, token, attempt, user);
    if (isLocked(ctx, attempt)) return outcome(res, 'user_code_locked', 'Too many wrong codes', 'This code is locked (user_code_locked). Ask your agent to start the claim again.');
    claimForm(ctx, res, 200, token, reg, user);
  });

  router.post(SERVICE_PATHS_V06.claimComplete, (req: Request, res) => {
    const body = req.is('application/x-www-form-urlencoded') ? ((req.body ?? {}) as Record<string, unknown>) : {};
    const token = typeof body.claim_attempt_token === 'string' ? body.claim_attempt_token : '';
    const code = typeof body.user_code === 'string' ? body.user_code.trim() : '';
    // §3: a bad form is answered before the session is looked at.
    if (!TOKEN.test(token) || !/^\d{6}$/.test(code) || !validFormToken(ctx, body[FORM_TOKEN_FIELD], completeBinding(token))) {
      return outcome(res, 'bad_form', 'This form is incomplete', 'Open the link from your agent again and type the 6-digit code.');
    }
    const user = sessionUser(ctx, req);
    if (!user) return void res.redirect(302, loginRedirect(token));
    const found = locate(ctx, token);
    if (!found) return outcome(res, 'link_invalid', 'Link not recognised', 'This link is not valid, or a newer one replaced it.');
    const { attempt, reg } = found;
    if (reg.status === 'claimed' || attempt.status === 'completed') return outcome(res, 'previously_claimed', 'Already claimed', 'This agent is already linked.');
    if (reg.status === 'expired') return outcome(res, 'claim_expired', 'This registration has expired', 'Ask your agent to register again.');
    if (attempt.email !== user.email?.toLowerCase()) return wrongAccount(ctx, res, token, attempt, user);
    if (isLocked(ctx, attempt)) return outcome(res, 'user_code_locked', 'Too many wrong codes', 'This code is locked (user_code_locked). Ask your agent to start the claim again.');
    if (attempt.code_expires_at <= ctx.now()) return outcome(res, 'user_code_expired', 'This code has expired', 'Ask your agent to start the claim again for a new code.');
    if (!matchesHash(code, attempt.user_code_hash)) {
      const failures = ctx.store.v06.claimAttempts.countFailure(attempt.id);
      ctx.audit(failures >= ctx.config.userCodeMaxAttempts ? 'claim.locked' : 'claim.code_failed', reg.id, { claim_attempt_id: attempt.id, failures });
      const left = Math.max(0, ctx.config.userCodeMaxAttempts - failures);
      return claimForm(ctx, res, CLAIM_PAGE_OUTCOMES_V06.user_code_invalid, token, reg, user, `That code is not right; ${left} ${left === 1 ? 'try' : 'tries'} left.`);
    }
    const won = ctx.store.transaction(() => complete(ctx, attempt, reg, user));
    if (!won) return outcome(res, 'previously_claimed', 'Already claimed', 'This agent is already linked.');
    sendPage(res, 200, { title: 'All set', body: `<p data-outcome="claimed">Your agent is now linked to <strong>${escapeHtml(user.email)}</strong>. You can close this page; your agent picks it up by itself.</p>` });
  });
}

/**
 * §3 completion, in one transaction whose conditional UPDATEs decide a race (exactly one winner):
 * the registration is claimed and bound; an ID-JAG's delegation `(iss, sub)` → account is upserted;
 * an anonymous registration's pre-claim access tokens are revoked.
 */
function complete(ctx: ServiceContext, attempt: ClaimAttemptRowV06, reg: RegistrationRowV06, user: UserRow): boolean {
  const now = ctx.now();
  if (!ctx.store.v06.claimAttempts.complete(attempt.id)) return false;
  if (!ctx.store.v06.registrations.markClaimed(reg.id, user.id, now)) throw new Error('attempt open but registration not pending');
  if (reg.type === 'identity_assertion' && reg.iss && reg.sub) {
    ctx.store.v06.accounts.upsertDelegation(reg.iss, reg.sub, user.id, now);
    ctx.audit('delegation.created', reg.id, { iss: reg.iss, sub: reg.sub, user_id: user.id });
  }
  if (reg.type === 'anonymous') {
    const revoked = ctx.store.v06.tokens.revokeForRegistration(reg.id, now);
    ctx.audit('credential.scopes_changed', reg.id, { pre_claim_tokens_revoked: revoked });
  }
  ctx.audit('claim.confirmed', reg.id, { claim_attempt_id: attempt.id, user_id: user.id });
  return true;
}
