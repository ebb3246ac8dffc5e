import { ASSERTION_TYPE_VERIFIED_EMAIL, TOKEN_TYPE_ID_JAG } from '../../protocol/constants.js';
import { AgentStop, type AgentStepDef, type StepCtx } from '../context.js';
import { breakIdJag, queueLessonRegistrations } from '../faults.js';
import { errorCode, describeError, whatIsWrong, type HttpResult } from '../http.js';
import { applyRemedy } from '../remedies.js';
import { peek } from '../tokens.js';

/** Getting an ID-JAG (PROTOCOL.md §6) and registering (PROTOCOL.md §2). */

/** POST /id-jag {audience, resource} with the session → a fresh ID-JAG for the service's issuer. */
export const getIdJag: AgentStepDef = async (ctx) => {
  const { k } = ctx;
  const r = await ctx.agent('POST', k.provider!.endpoints.idJag, {
    bearer: k.provider!.session,
    json: {
      audience: k.as!.issuer, // ID-JAG draft: aud is the AS issuer, exactly as its metadata says
      resource: k.prm!.resource,
      agent_platform: 'Agentic Registration Studio',
      agent_context_id: ctx.runId,
    },
  });
  if (r.status !== 200 || typeof r.json?.assertion !== 'string') {
    const code = errorCode(r);
    if (code) return applyRemedy(ctx, code, r);
    throw new AgentStop(false, `Asked for an ID-JAG, my provider ${whatIsWrong(r, 'an assertion')}.`);
  }
  k.idJag = r.json.assertion;
  const claims = peek(r.json.assertion)?.claims ?? {};
  ctx.say(`My provider minted an ID-JAG for ${claims.email ?? claims.sub} addressed to ${claims.aud}, valid ${r.json.expires_in ?? '?'} s.`);
  // Lessons: make the token wrong in one specific way, once (faults.ts).
  const broken = await breakIdJag(ctx, r.json.assertion);
  if (broken) {
    k.idJag = broken.jwt;
    ctx.say(broken.story);
    return { status: 'done', detail: broken.detail };
  }
  return { status: 'done', detail: `jti ${claims.jti ?? '?'}` };
};

function registrationBody(ctx: StepCtx) {
  const { k } = ctx;
  switch (k.method) {
    case 'id-jag':
      return { type: 'identity_assertion', assertion_type: TOKEN_TYPE_ID_JAG, assertion: k.idJag, requested_credential_type: 'access_token' };
    case 'verified-email':
      return { type: 'identity_assertion', assertion_type: ASSERTION_TYPE_VERIFIED_EMAIL, assertion: k.userEmail, requested_credential_type: 'api_key' };
    default:
      return { type: 'anonymous', requested_credential_type: 'api_key' };
  }
}

/** POST register_uri, dispatched on `type` (PROTOCOL.md §2). */
export const register: AgentStepDef = async (ctx) => {
  const { k } = ctx;
  const sentAt = Date.now();
  const r = await ctx.agent('POST', k.as!.agent_auth!.register_uri!, { json: registrationBody(ctx) });
  if (r.status !== 200) return failed(ctx, r);
  const reg = r.json;
  if (reg.credential) {
    k.credential = {
      value: reg.credential, type: reg.credential_type, scopes: reg.scopes ?? [], expires: reg.credential_expires,
      registrationId: reg.registration_id, worked: false,
    };
  }
  if (reg.claim_token) {
    k.claim = { token: reg.claim_token, registrationId: reg.registration_id, sentAt, postClaimScopes: reg.post_claim_scopes };
    ctx.rearm(['open_mail', 'open_link', 'reveal_code', 'enter_otp']);
  }
  ctx.say(
    reg.credential
      ? `Registered (${reg.registration_type}): I hold ${article(reg.credential_type)} with scopes ${(reg.scopes ?? []).join(', ')}.`
      : `Registered (${reg.registration_type}): no credential yet. The service emailed ${k.userEmail} a claim link.`,
  );
  queueLessonRegistrations(ctx);
  return { status: 'done', detail: `${reg.registration_type} ${reg.registration_id}` };
};

/** The replay lesson: send the very same assertion again. */
export const replayIdJag: AgentStepDef = async (ctx) => {
  const { k } = ctx;
  const r = await ctx.agent('POST', k.as!.agent_auth!.register_uri!, { json: registrationBody(ctx) });
  if (r.status === 200) throw new AgentStop(false, 'The service accepted the same ID-JAG twice: it does not detect replays.');
  return failed(ctx, r);
};

const article = (word: string) => `${/^[aeiou]/i.test(word) ? 'an' : 'a'} ${word}`;

function failed(ctx: StepCtx, r: HttpResult) {
  const code = errorCode(r);
  if (!code) throw new AgentStop(false, `Registration answered ${describeError(r)}.`);
  return applyRemedy(ctx, code, r);
}
