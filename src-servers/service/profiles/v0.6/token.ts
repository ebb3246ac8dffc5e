import type { Request, Router } from 'express';
import { GRANT_TYPE_JWT_BEARER } from '../../../protocol/constants.js';
import { GRANT_TYPE_CLAIM, SERVICE_PATHS_V06 } from '../../../protocol/v0.6/constants.js';
import type { ServiceContext } from '../../context.js';
import { sha256 } from '../../secrets.js';
import { issueServiceAssertion, verifyServiceAssertion } from './assertion.js';
import { codeState } from './ceremony.js';
import { TokenError, tokenHeaders } from './errors.js';
import { issueAccessToken } from './tokens.js';

const MAX_FIELD = 16_384;

/** RFC 6749 §3.2: the token endpoints take application/x-www-form-urlencoded; each field at most once. */
function formBody(req: Request): Record<string, unknown> {
  if (!req.is('application/x-www-form-urlencoded')) {
    throw new TokenError('invalid_request', 'Send the request as Content-Type: application/x-www-form-urlencoded.');
  }
  return (req.body ?? {}) as Record<string, unknown>;
}

function field(body: Record<string, unknown>, name: string): string | undefined {
  const v = body[name];
  if (v === undefined) return undefined;
  if (typeof v !== 'string' || v.length > MAX_FIELD) throw new TokenError('invalid_request', `${name} must be one string.`);
  return v;
}

/**
 * PROTOCOL-v0.6.md §5: `POST /oauth2/token` dispatched on `grant_type` — RFC 7523 jwt-bearer with
 * the service's own assertion, and the RFC 8628-style claim grant the agent polls — and RFC 7009
 * `POST /oauth2/revoke`. Every answer carries `no-store` (tokenHeaders).
 */
export function tokenRoutesV06(router: Router, ctx: ServiceContext): void {
  router.post(SERVICE_PATHS_V06.token, async (req, res) => {
    tokenHeaders(res);
    const body = formBody(req);
    const grantType = field(body, 'grant_type');
    if (grantType === GRANT_TYPE_JWT_BEARER) return void res.json(await jwtBearer(ctx, body));
    if (grantType === GRANT_TYPE_CLAIM) return void res.json(await claimGrant(ctx, body));
    throw new TokenError('unsupported_grant_type', `grant_type must be ${GRANT_TYPE_JWT_BEARER} or ${GRANT_TYPE_CLAIM}.`);
  });

  router.post(SERVICE_PATHS_V06.revoke, (req, res) => {
    tokenHeaders(res);
    const body = formBody(req);
    const token = field(body, 'token');
    if (!token) throw new TokenError('invalid_request', 'token is required.');
    const hint = field(body, 'token_type_hint');
    // §5: only `access_token` is a known hint here (as in the reference; RFC 7009 §2.1 would ignore others).
    if (hint !== undefined && hint !== 'access_token') throw new TokenError('invalid_request', 'token_type_hint may only be access_token.');
    const at = ctx.now();
    const hash = sha256(token);
    const found = ctx.store.v06.tokens.byTokenHash(hash);
    // RFC 7009 §2.2: an unknown or already revoked token gets the same 200.
    if (found && ctx.store.v06.tokens.revokeByHash(hash, at) > 0) ctx.audit('token.revoked', found.registration_id, { token_id: found.id });
    res.status(200).end();
  });
}

/** §5 jwt-bearer (RFC 7523 §2.1): only the service's own assertion; any failure is `invalid_grant` naming why. */
async function jwtBearer(ctx: ServiceContext, body: Record<string, unknown>) {
  const assertion = field(body, 'assertion');
  if (!assertion) throw new TokenError('invalid_request', 'assertion (the identity_assertion from /agent/identity) is required.');
  const resource = field(body, 'resource');
  // RFC 8707 §2: resource is an absolute URI; it is not matched (§5).
  if (resource !== undefined && !URL.canParse(resource)) throw new TokenError('invalid_request', 'resource must be an absolute URL.');
  let verified;
  try {
    verified = await verifyServiceAssertion(ctx, assertion);
  } catch (err) {
    throw new TokenError('invalid_grant', `The assertion is not a valid identity_assertion of this service: ${(err as Error).message}. A provider ID-JAG goes to /agent/identity first.`);
  }
  ctx.expireDue();
  const reg = ctx.store.v06.registrations.byId(verified.sub);
  if (!reg) throw new TokenError('invalid_grant', 'The assertion names no registration of this service.');
  if (reg.status === 'expired') throw new TokenError('invalid_grant', 'The registration has expired or was revoked. Register again.');
  // beyond (§4): an assertion issued before the registration's last SET never exchanges again.
  if (reg.revoked_at !== null && verified.issuedAt < reg.revoked_at) {
    throw new TokenError('invalid_grant', 'This assertion was issued before the user withdrew consent. Register again with a fresh ID-JAG.');
  }
  // beyond (§4): a pending service_auth or ID-JAG row exchanges nothing until the person confirms.
  if (reg.type !== 'anonymous' && reg.status !== 'claimed') {
    throw new TokenError('invalid_grant', 'This registration is waiting for its person to confirm the claim; poll the claim grant.');
  }
  return issueAccessToken(ctx, reg);
}

/** §5 claim grant (RFC 8628 §3.5 codes): pending until the person completes, then a token and a v2 assertion. */
async function claimGrant(ctx: ServiceContext, body: Record<string, unknown>) {
  const claimToken = field(body, 'claim_token');
  if (!claimToken) throw new TokenError('invalid_request', 'claim_token is required.');
  ctx.expireDue();
  const reg = ctx.store.v06.registrations.byClaimTokenHash(sha256(claimToken));
  if (!reg) throw new TokenError('expired_token', 'Unknown claim_token (a newer one replaced it, or the registration was revoked). Register again.');
  if (reg.status === 'expired') throw new TokenError('expired_token', 'The registration expired before anyone claimed it. Register again.');
  if (reg.status === 'pending') {
    const state = codeState(ctx, reg.id);
    if (state === 'expired') throw new TokenError('expired_token', 'The user_code expired. Restart the ceremony at the claim endpoint.');
    if (state === 'locked') throw new TokenError('expired_token', 'Too many wrong codes were typed. Restart the ceremony at the claim endpoint.');
    throw new TokenError('authorization_pending', `Not claimed yet. Poll again in ${ctx.config.pollIntervalSeconds} s.`);
  }
  const user = reg.user_id ? ctx.store.users.byId(reg.user_id) : undefined;
  const token = issueAccessToken(ctx, reg);
  // §2: the "v2" assertion carries the bound user's identity (no amr).
  const assertion = await issueServiceAssertion(ctx, reg.id, user?.email ? { email: user.email, email_verified: true } : {});
  return { ...token, ...assertion };
}
