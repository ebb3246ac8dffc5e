import { AgentStop, type StepCtx, type StepResult } from './context.js';
import { CEREMONY, DISCOVERY, type StepKey } from './flows.js';
import { describeError, retryAfterSeconds, type HttpResult } from './http.js';
import { remedyV06 } from './remedies-v0.6.js';

/**
 * AUTH.md's error table, as the agent applies it: for each error code, what to do next.
 * A remedy rewrites the rest of the plan; errors without a remedy stop the run and say why.
 */

/** Never loop forever: after this many of the same remedy in one run, give up. */
const MAX_REMEDIES = 3;
/** Longer than this, the agent tells you when to try again instead of waiting. */
const MAX_RETRY_AFTER_SECONDS = 120;
/** Waits this short are always real waits. */
const SHORT_WAIT_SECONDS = 10;

export async function applyRemedy(ctx: StepCtx, code: string, r?: HttpResult, what?: string): Promise<StepResult> {
  const detail = what ?? (r ? describeError(r) : code);
  if (ctx.scenario?.expectedCode === code) ctx.sawExpected(code);
  if (ctx.countRemedy(code) > MAX_REMEDIES)
    throw new AgentStop(false, `The service keeps answering ${code}; I gave up after ${MAX_REMEDIES} tries.`);
  const { k } = ctx;
  const say = (text: string) => ctx.say(`${detail.replace(/\.$/, '')}. ${text}`);
  // A v0.6 service's own codes first (remedies-v0.6.ts); what both profiles share follows.
  if (k.profile === 'v0.6' && (await remedyV06(ctx, code, r, say))) return remedied(ctx, code, detail);

  switch (code) {
    // ID-JAG problems the provider can fix by minting again: never edit or re-send a token.
    case 'replay_detected':
      say('An ID-JAG may be used once; I will get a fresh one and register with it.');
      ctx.insert(['get_id_jag', 'register']);
      break;
    case 'expired':
      say('The assertion is too old; I will get a fresh ID-JAG.');
      ctx.insert(['get_id_jag', 'register']);
      break;
    case 'invalid_signature':
      say('The token does not verify. I do not try to fix a token: I throw it away and get a fresh one.');
      ctx.insert(['get_id_jag', 'register']);
      break;
    case 'invalid_audience':
      say(`I will ask for a new ID-JAG addressed to the issuer from the metadata, ${k.as?.issuer}.`);
      ctx.insert(['get_id_jag', 'register']);
      break;
    case 'consent_required':
      say('My provider has no live grant for this service: I must ask you again.');
      k.consent = undefined;
      // From the provider (get_id_jag) mint again after the new consent; from the service (register, PROTOCOL.md §4: an
      // ID-JAG minted before consent was withdrawn) also register again with the new one.
      ctx.insert(['request_consent', 'approve_consent', ...(ctx.key === 'get_id_jag' ? (['get_id_jag'] as StepKey[]) : ctx.key === 'register' ? (['get_id_jag', 'register'] as StepKey[]) : [])]);
      break;

    // The decision tree again, with the failed method ruled out.
    case 'invalid_issuer':
      k.excluded['id-jag'] = 'the service does not trust my provider (invalid_issuer)';
      say('The service does not trust my provider. I go back to the decision tree without ID-JAG.');
      ctx.plan(['decide']);
      break;
    case 'missing_verified_email':
      k.excluded['id-jag'] = 'my provider will not vouch for an unverified email';
      k.excluded['verified-email'] = 'your provider says your email is not verified, so I will not assert it';
      say('Your email is not verified, so I will not assert it. I go back to the decision tree.');
      ctx.plan(['decide']);
      break;
    case 'invalid_client_id':
      k.excluded['id-jag'] = 'the service does not accept my provider\'s client metadata (invalid_client_id)';
      say('That is a problem of my provider, not something I can fix. I go back to the decision tree without ID-JAG.');
      ctx.plan(['decide']);
      break;
    case 'insufficient_user_authentication':
      k.excluded['id-jag'] = 'the service wants a stronger sign-in (MFA) than my provider session has';
      say('The service wants multi-factor sign-in. I go back to the decision tree.');
      ctx.plan(['decide']);
      break;
    case 'id_jag_not_enabled':
    case 'verified_email_not_enabled':
    case 'anonymous_not_enabled': {
      const method = code === 'id_jag_not_enabled' ? 'id-jag' : code === 'verified_email_not_enabled' ? 'verified-email' : 'anonymous';
      k.excluded[method] = `the service answered ${code}`;
      say('That method is switched off here. I go back to the decision tree.');
      ctx.plan(['decide']);
      break;
    }

    // The claim ceremony.
    case 'otp_invalid':
      k.otp = undefined;
      ctx.rearm(['enter_otp']);
      say('That code is wrong. I ask you to read it to me again.');
      ctx.insert(['enter_otp', 'complete_claim']);
      break;
    case 'otp_locked':
    case 'otp_expired':
    case 'otp_not_generated':
      k.otp = undefined;
      ctx.rearm(['reveal_code', 'enter_otp']);
      say('That code can no longer be used. Please reveal a new code on the claim page and tell me.');
      ctx.insert(['reveal_code', 'enter_otp', 'complete_claim']);
      break;
    case 'claim_superseded':
      k.otp = undefined;
      ctx.rearm(['open_mail', 'open_link', 'reveal_code', 'enter_otp']);
      say('A newer claim link replaced that one. Please use the newest email.');
      ctx.insert([...CEREMONY]);
      break;
    case 'claim_expired':
      k.credential = undefined;
      k.claim = undefined;
      k.otp = undefined;
      say('The registration expired before it was claimed. I start over with a new registration.');
      ctx.plan(k.method === 'anonymous' ? ['register', 'start_claim', ...CEREMONY, 'call_api'] : ['register', ...CEREMONY, 'call_api']);
      break;
    case 'previously_claimed':
      if (!k.credential) throw new AgentStop(false, `${detail}: the claim was completed elsewhere and I hold no credential from it.`);
      say('The claim is already complete: the credential I hold is the claimed one, so I keep using it.');
      break;

    case 'claimed_or_in_flight':
      if (k.method === 'verified-email') {
        say('The claim email was already sent: I go straight to completing the claim.');
        ctx.insert([...CEREMONY]);
        break;
      }
      if (!k.credential) throw new AgentStop(false, `${detail}: someone else is claiming this registration.`);
      say('The registration is already claimed: I keep using my credential.');
      break;
    case 'invalid_claim_token':
      k.claim = undefined;
      k.credential = undefined;
      say('The service does not know my claim token. I register again.');
      ctx.plan(k.method === 'anonymous' ? ['register', 'start_claim', ...CEREMONY, 'call_api'] : ['register', ...CEREMONY, 'call_api']);
      break;

    // Limits and dead credentials.
    case 'rate_limited': {
      // RFC 6585 §4 / RFC 9110 §10.2.3 — wait as long as Retry-After says, then retry once.
      const wait = r ? retryAfterSeconds(r.headers) : undefined;
      if (wait !== undefined && wait > SHORT_WAIT_SECONDS && ctx.fastForward) {
        // A second 429 on the same step after moving the clock means the service ignores the clock.
        if (k.faults.has(`fast-forwarded:${ctx.key}`))
          throw new AgentStop(false, `${detail.replace(/\.$/, "")}. I moved the lesson's clock forward but the service did not follow it: this host does not support a studio clock (HostOptions.now).`);
        k.faults.add(`fast-forwarded:${ctx.key}`);
        say(`I must wait ${wait} s, as Retry-After says. This lesson's service runs on the studio's clock, so instead of waiting that long for real I move its clock forward ${wait} s, then try again.`);
        ctx.fastForward(wait);
      } else if (wait === undefined || wait > MAX_RETRY_AFTER_SECONDS) {
        throw new AgentStop(false, `${detail.replace(/\.$/, '')}. The service asks me to wait ${wait === undefined ? 'an unknown time' : `${wait} s`}; I will not hammer it — try again later.`);
      } else {
        say(`I wait ${wait} s, as Retry-After says, then try again.`);
        ctx.detail(`waiting ${wait} s (Retry-After)`);
        await ctx.sleep(wait * 1000);
      }
      ctx.insert([ctx.key]);
      break;
    }
    case 'invalid_token':
      k.credential = undefined;
      k.idJag = undefined;
      k.consent = undefined;
      k.rediscovering = true;
      say('My credential no longer works. I drop it and discover again from the start — never retry a dead credential.');
      ctx.plan([...DISCOVERY]);
      break;

    default:
      throw new AgentStop(false, `The service answered ${detail}. AUTH.md has no remedy for that, so I stop.`);
  }
  return remedied(ctx, code, detail);
}

function remedied(ctx: StepCtx, code: string, detail: string): StepResult {
  if (ctx.scenario?.expectedCode === code) ctx.appliedRemedy();
  return { status: 'failed', detail };
}
