import { GRANT_TYPE_JWT_BEARER, TOKEN_TYPE_ID_JAG } from '../../../protocol/constants.js';
import { AgentStop, type AgentStepDef, type Knowledge, type StepCtx } from '../../context.js';
import { describeError, errorCode, whatIsWrong, type HttpResult } from '../../http.js';
import { queueLessonRegistrations } from '../../faults.js';
import { applyRemedy } from '../../remedies.js';
import { ceremonyOf } from './ceremony.js';

/**
 * Registering at a v0.6 service (PROTOCOL-v0.6.md §2) and exchanging its assertion for an access
 * token (§5, RFC 7523). Beside ../register.ts (v0.1): same decision, a different wire.
 */

/** PROTOCOL-v0.6.md §2 — exactly three body shapes, dispatched on `type`. */
function identityBody(k: Knowledge) {
  switch (k.method) {
    case 'id-jag':
      return { type: 'identity_assertion', assertion_type: TOKEN_TYPE_ID_JAG, assertion: k.idJag };
    case 'service-auth':
      // OIDC CIBA login_hint: the service finds (or makes) the account whoever signs in with it completes.
      return { type: 'service_auth', login_hint: k.userEmail };
    default:
      return { type: 'anonymous' };
  }
}

const identityEndpoint = (k: Knowledge) => {
  const url = k.as?.agent_auth?.identity_endpoint;
  if (!url) throw new AgentStop(false, 'The metadata names no identity_endpoint, so I cannot register.');
  return url;
};

/** POST identity_endpoint: an assertion now (anonymous, a clean ID-JAG match), or a claim to confirm. */
export const registerV06: AgentStepDef = async (ctx) => {
  const { k } = ctx;
  const r = await ctx.agent('POST', identityEndpoint(k), { json: identityBody(k) });
  if (r.status !== 200) return failed(ctx, r);
  const reg = r.json;
  if (typeof reg?.registration_id !== 'string') throw new AgentStop(false, `Registration ${whatIsWrong(r, 'a registration_id')}.`);
  if (typeof reg.identity_assertion === 'string') k.assertion = { value: reg.identity_assertion, expires: reg.assertion_expires };
  if (typeof reg.claim_token === 'string') {
    k.claim = {
      token: reg.claim_token, registrationId: reg.registration_id, sentAt: Date.now(), postClaimScopes: reg.post_claim_scopes,
      email: k.userEmail, attempt: ceremonyOf(reg.claim),
    };
  }
  const scopes: string[] = reg.scopes ?? reg.pre_claim_scopes ?? [];
  if (k.claim?.attempt && !k.assertion) {
    // service_auth: nothing usable yet; the person confirms at the service (PROTOCOL-v0.6.md §3).
    ctx.say(`Registered (${reg.registration_type}) as ${reg.registration_id}: no assertion yet. The service gave me code ${k.claim.attempt.userCode} for you to confirm at ${k.claim.attempt.verificationUri}.`);
    ctx.rearm(['sign_in_service', 'enter_user_code']);
  } else {
    ctx.say(`Registered (${reg.registration_type}) as ${reg.registration_id}: the service signed me an identity assertion${scopes.length ? ` good for ${scopes.join(', ')}` : ''}, to exchange at its token endpoint.`);
  }
  queueLessonRegistrations(ctx);
  return { status: 'done', detail: `${reg.registration_type} ${reg.registration_id}` };
};

/** The replay lesson: the very same ID-JAG again. */
export const replayIdJagV06: AgentStepDef = async (ctx) => {
  const r = await ctx.agent('POST', identityEndpoint(ctx.k), { json: identityBody(ctx.k) });
  if (r.status === 200) throw new AgentStop(false, 'The service accepted the same ID-JAG twice: it does not detect replays.');
  return failed(ctx, r);
};

/** RFC 7523 §2.1 — POST token_endpoint grant_type=jwt-bearer, assertion = the service's own assertion. */
export const exchangeAssertion: AgentStepDef = async (ctx) => {
  const { k } = ctx;
  if (!k.assertion) return { status: 'skipped', detail: 'no assertion to exchange' };
  const tokenEndpoint = k.as?.token_endpoint;
  if (!tokenEndpoint) throw new AgentStop(false, 'The metadata names no token_endpoint to exchange my assertion at.');
  const r = await ctx.agent('POST', tokenEndpoint, {
    // RFC 8707 — the resource the token is for: the PRM's resource.
    form: { grant_type: GRANT_TYPE_JWT_BEARER, assertion: k.assertion.value, ...(k.prm?.resource ? { resource: k.prm.resource } : {}) },
  });
  if (r.status !== 200 || typeof r.json?.access_token !== 'string') {
    const code = errorCode(r);
    if (code) return applyRemedy(ctx, code, r);
    throw new AgentStop(false, `The token endpoint ${whatIsWrong(r, 'an access_token')}.`);
  }
  holdAccessToken(k, r.json, k.claim?.registrationId);
  ctx.say(`The token endpoint exchanged my assertion for an access token with scopes ${k.credential!.scopes.join(', ') || 'none'}, valid ${r.json.expires_in ?? '?'} s.`);
  return { status: 'done', detail: `${r.json.token_type ?? 'Bearer'} token, scope ${r.json.scope ?? ''}`.trim() };
};

/** RFC 6749 §5.1 — an access token answer, held as the agent's credential. */
export function holdAccessToken(k: Knowledge, t: { access_token: string; scope?: string; expires_in?: number }, registrationId?: string) {
  k.credential = {
    value: t.access_token, type: 'access_token', scopes: typeof t.scope === 'string' ? t.scope.split(' ').filter(Boolean) : [],
    expires: typeof t.expires_in === 'number' ? new Date(Date.now() + t.expires_in * 1000).toISOString() : null,
    registrationId, worked: false,
  };
}

function failed(ctx: StepCtx, r: HttpResult) {
  const code = errorCode(r);
  if (!code) throw new AgentStop(false, `Registration answered ${describeError(r)}.`);
  return applyRemedy(ctx, code, r);
}
