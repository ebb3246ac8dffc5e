import type { StepCtx } from './context.js';
import { CEREMONY_V06, methodPlan, REVOCATION_TAIL, type StepKey } from './flows.js';
import type { HttpResult } from './http.js';
import { ceremonyOf } from './steps/v0.6/ceremony.js';

/**
 * The remedies a v0.6 service's answers call for (PROTOCOL-v0.6.md §10 and its AUTH.md), beside
 * remedies.ts (v0.1 and what both share). Answers whether it handled the code; unhandled codes fall
 * through to the shared table.
 */
export async function remedyV06(ctx: StepCtx, code: string, r: HttpResult | undefined, say: (text: string) => void): Promise<boolean> {
  const { k } = ctx;
  switch (code) {
    // §2 step-up: the verified email matches an account and no delegation exists — its holder must confirm.
    case 'interaction_required': {
      const attempt = ceremonyOf(r?.json?.claim);
      if (!attempt || typeof r?.json?.claim_token !== 'string') {
        say('The service wants the account holder to confirm, but its answer carries no claim block I could hand over.');
        return false;
      }
      k.claim = {
        token: r.json.claim_token, registrationId: r.json.registration_id, sentAt: Date.now(), postClaimScopes: r.json.post_claim_scopes,
        email: k.userEmail, attempt,
      };
      ctx.rearm(['sign_in_service', 'enter_user_code']);
      say(
        `An account with your verified email already exists at the service, and it has never been linked to my provider. ` +
          `Only its holder may link it: please sign in at the service as ${k.userEmail} (${attempt.verificationUri}) and type the code ${attempt.userCode}. I poll meanwhile.`,
      );
      // The replay lesson still re-sends this ID-JAG first: a step-up does not make a jti reusable (§2 check 10).
      const replay = ctx.scenario?.id === 'replayed-id-jag' && !k.faults.has('replay');
      if (replay) k.faults.add('replay');
      ctx.plan([
        ...(replay ? (['replay_id_jag'] as StepKey[]) : []), ...CEREMONY_V06, 'call_api',
        ...(ctx.flow === 'revocation' && !k.rediscovering ? REVOCATION_TAIL : []),
      ]);
      return true;
    }
    // §2 check 12: auth_time missing, stale or in the future — sign in at the provider again, once.
    case 'login_required': {
      if (k.faults.has('fresh-sign-in')) {
        say('Even after a fresh sign-in the service says login_required: my provider does not report a recent auth_time. I stop.');
        return false;
      }
      k.faults.add('fresh-sign-in');
      const maxAge = r?.json?.max_age;
      say(`My sign-in at the provider is too old for this service${typeof maxAge === 'number' ? ` (max_age ${maxAge} s)` : ''}. I sign in again for a fresh auth_time, get a fresh ID-JAG and register once more.`);
      ctx.insert(['connect_provider', 'get_id_jag', 'register']);
      return true;
    }
    // RFC 8628 §3.5 — not yet: keep polling at the interval, the person has not confirmed.
    case 'authorization_pending':
      say(`You have not confirmed yet — of course: I asked before you could. I will poll again no sooner than every ${k.claim?.attempt?.interval ?? 5} s, while you sign in and type the code.`);
      return true;
    // §5 expired_token: the code is dead (or superseded); a restart (§3, any pending kind) gives a new one.
    case 'expired_token':
      k.claim = k.claim && { ...k.claim, attempt: undefined, granted: undefined };
      say('That code can no longer be confirmed. I start the ceremony again for a new code.');
      ctx.insert(['start_claim', ...CEREMONY_V06]);
      return true;
    // §3: the claim page refuses a session of another account (403 "Wrong account").
    case 'wrong_account':
      ctx.rearm(['sign_in_service']);
      say(`The claim is for ${k.claim?.email ?? k.userEmail}. Please sign out and sign in again as that account, then type the code.`);
      ctx.insert(['sign_in_service']);
      return true;
    // §3 the claim page: a wrong code shows the form again; a locked one needs a new ceremony (restart, §3).
    case 'user_code_invalid':
      ctx.rearm(['enter_user_code']);
      say(`Please type the code again, exactly: ${k.claim?.attempt?.userCode}.`);
      ctx.insert(['enter_user_code']);
      return true;
    case 'user_code_locked':
      k.claim = k.claim && { ...k.claim, attempt: undefined, granted: undefined };
      say('That code is locked. I start the claim again for a new code; please type that one.');
      // From the person's step: the poll that was next still follows.
      ctx.insert(['start_claim', 'sign_in_service', 'enter_user_code']);
      return true;
    case 'service_auth_not_enabled':
    case 'issuer_not_enabled': {
      const method = code === 'issuer_not_enabled' ? 'id-jag' : 'service-auth';
      k.excluded[method] = `the service answered ${code}`;
      say('That method is switched off here. I go back to the decision tree.');
      ctx.plan(['decide']);
      return true;
    }
    // §3 claim endpoint: the registration is gone; start over with the v0.6 plan.
    case 'claim_expired':
    case 'invalid_claim_token': {
      k.credential = undefined;
      k.claim = undefined;
      k.assertion = undefined;
      say(code === 'claim_expired' ? 'The registration expired before it was claimed. I start over with a new registration.' : 'The service does not know my claim token. I register again.');
      ctx.plan((methodPlan(k.method!, 'v0.6') ?? []).filter((s: StepKey) => s !== 'approve_consent'));
      return true;
    }
  }
  return false;
}
