import { ASSERTION_TYPE_VERIFIED_EMAIL } from '../../../protocol/constants.js';
import { AgentStop, type AgentStepDef, type StepCtx } from '../../context.js';
import type { StepKey } from '../../flows.js';
import { describeError, type HttpResult } from '../../http.js';
import { UserActionError } from '../../user.js';
import { signUpAtService } from './browser.js';

/**
 * The account-takeover lesson (issue 17; PROTOCOL-v0.6.md §11 "a verified-email match binds the
 * existing account at once" → step-up). First the real owner of the address makes an account at the
 * service; then a trusted provider asserts that address as verified for the agent. A v0.1 service
 * links the two silently; a v0.6 service answers interaction_required until the owner confirms.
 */

/** Before the attack: the account holder's own sign-up, when this run is the lesson. */
export function takeoverSetup(ctx: StepCtx): StepKey[] {
  return ctx.scenario?.id === 'account-takeover' && !ctx.k.victim && !ctx.k.rediscovering ? ['victim_account'] : [];
}

/** The account holder makes their account: v0.6 signs in once at the service; v0.1 claims a verified-email registration. */
export const victimAccount: AgentStepDef = async (ctx) => {
  const { k } = ctx;
  const email = k.userEmail;
  k.victim = { email };
  if (k.profile === 'v0.6') {
    // PROTOCOL-v0.6.md §3: any well-formed email signs in at /login and is provisioned as a verified account.
    await signUpAtService(ctx.user, k.as!.issuer, email);
    ctx.say(`The owner of ${email} signs in at the service's own sign-in page: the service now has an account for ${email}.`);
    return { status: 'done', detail: `account for ${email}` };
  }
  k.victim.accountId = await verifiedEmailSignUp(ctx, email);
  ctx.say(`The owner of ${email} registered at the service by verified email and proved the address with the mailed code: account ${k.victim.accountId}.`);
  return { status: 'done', detail: `account ${k.victim.accountId}` };
};

/** PROTOCOL.md §2–§3 as the owner's own client: register by verified email, read the mail, reveal and send the code. */
async function verifiedEmailSignUp(ctx: StepCtx, email: string): Promise<string> {
  const { k, user } = ctx;
  const aa = k.as!.agent_auth!;
  if (!aa.register_uri || !aa.claim_uri) throw new AgentStop(false, 'This lesson needs the service\'s register_uri and claim_uri for the account holder\'s sign-up.');
  const sentAt = Date.now();
  const reg = await user.browse('POST', aa.register_uri, {
    json: { type: 'identity_assertion', assertion_type: ASSERTION_TYPE_VERIFIED_EMAIL, assertion: email, requested_credential_type: 'api_key' },
  });
  if (reg.status !== 200 || typeof reg.json?.claim_token !== 'string') throw new UserActionError(`the owner's verified-email registration answered ${describeError(reg)}`);
  await user.openMail(sentAt);
  if ((await user.openLink()) !== 200) throw new UserActionError('the owner\'s claim link did not open');
  const code = await user.revealCode();
  if (!code.code) throw new UserActionError('the owner\'s claim page showed no code');
  const done = await user.browse('POST', new URL('complete', `${aa.claim_uri.replace(/\/$/, '')}/`).toString(), {
    json: { claim_token: reg.json.claim_token, otp: code.code },
  });
  if (done.status !== 200 || typeof done.json?.credential !== 'string') throw new UserActionError(`completing the owner's claim answered ${describeError(done)}`);
  const me = await user.browse('GET', k.resourceUrl, { bearer: done.json.credential });
  const id = me.json?.user?.id ?? me.json?.user_id;
  if (typeof id !== 'string') throw new UserActionError(`the API did not say which account the owner's credential is for (${describeError(me)})`);
  return id;
}

/** After the API answered: say whose account the agent now acts for, and whether anybody confirmed it. */
export function takeoverVerdict(ctx: StepCtx, api: HttpResult): void {
  const { k } = ctx;
  if (ctx.scenario?.id !== 'account-takeover' || !k.victim) return;
  const user = api.json?.user;
  if (k.profile === 'v0.6') {
    if (!k.claim)
      // PROTOCOL-v0.6.md §2: a delegation (iss, sub) on file is a clean match; the step-up guards only the first link.
      ctx.say(
        `No step-up this time: ${k.victim.email}'s account was already linked to my provider by an earlier link its holder confirmed. ` +
          'The service asks only before the first link. Revoke the grant at the provider (its SET deletes the link) and run the lesson again.',
      );
    else ctx.say(`My token acts for the account ${user?.email ?? k.victim.email}${user?.id ? ` (${user.id})` : ''} — only because its holder signed in at the service and typed the code.`);
    return;
  }
  if (user?.id === k.victim.accountId) {
    ctx.sawExpected('account_linked_silently');
    ctx.appliedRemedy();
    ctx.say(
      `The attack worked: my credential ${k.credential?.value.slice(0, 12)}… acts for account ${user.id}, which the owner of ${k.victim.email} made by verified email. ` +
        'The provider only said "email_verified"; nobody who holds that account was asked. This is the hole v0.5 closed with interaction_required.',
    );
  }
}
