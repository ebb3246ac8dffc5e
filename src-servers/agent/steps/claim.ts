import { AgentStop, type AgentStepDef, type StepCtx, type UserStepDef } from '../context.js';
import { describeError, errorCode, whatIsWrong } from '../http.js';
import { applyRemedy } from '../remedies.js';
import { SHORT_REGISTRATION_TTL_SECONDS } from '../scenarios.js';
import { UserActionError } from '../user.js';

/** The claim ceremony (PROTOCOL.md §3): the agent holds the claim token, you hold the mailbox. */

/** The anonymous key works at once, with the pre-claim scopes only. */
export const tryKey: AgentStepDef = async (ctx) => {
  const cred = ctx.k.credential;
  if (!cred) return { status: 'skipped', detail: 'no key to try' };
  const r = await ctx.agent('GET', ctx.k.resourceUrl, { bearer: cred.value });
  if (r.status !== 200) return { status: 'done', detail: `${describeError(r)} — the key does not work yet` };
  cred.worked = true;
  if (ctx.scenario?.id === 'expired-claim' && !ctx.k.faults.has('expired-claim')) {
    ctx.k.faults.add('expired-claim');
    ctx.insert(['time_passes']);
  }
  ctx.say(`The new key works already, read-only: scopes ${(r.json?.scopes ?? cred.scopes).join(', ')}.`);
  return { status: 'done', detail: `200, scopes ${(r.json?.scopes ?? cred.scopes).join(' ')}` };
};

/** The expired-claim lesson: wait out the service's registration TTL. */
export const timePasses: AgentStepDef = async (ctx) => {
  const ttl = ctx.serviceConfig?.registrationTtlSeconds ?? SHORT_REGISTRATION_TTL_SECONDS;
  ctx.say(`Time passes: you come back to claim the key after more than ${ttl} s, the registration TTL of this service.`);
  ctx.detail(`waiting ${ttl + 1} s`);
  await ctx.sleep((ttl + 1) * 1000);
  return { status: 'done', detail: `${ttl + 1} s later` };
};

/** POST claim_uri {claim_token, email} (anonymous only) → the service mails you a link. */
export const startClaim: AgentStepDef = async (ctx) => {
  const { k } = ctx;
  if (!k.claim) throw new AgentStop(false, 'I have no claim token to claim with.');
  const claimUri = k.as!.agent_auth?.claim_uri;
  if (!claimUri) throw new AgentStop(false, 'The metadata names no claim_uri, so the key cannot be claimed.');
  ctx.say(`You told me your email is ${k.userEmail}; I ask the service to send the claim link there.`);
  const sentAt = Date.now();
  const r = await ctx.agent('POST', claimUri, { json: { claim_token: k.claim.token, email: k.userEmail } });
  if (r.status !== 200) {
    const code = errorCode(r);
    if (!code) throw new AgentStop(false, `Starting the claim answered ${describeError(r)}.`);
    return applyRemedy(ctx, code, r);
  }
  k.claim.sentAt = sentAt;
  ctx.rearm(['open_mail', 'open_link', 'reveal_code', 'enter_otp']);
  ctx.say(`The service emailed ${k.userEmail} a claim link (attempt ${r.json.claim_attempt_id}).`);
  return { status: 'done', detail: `attempt ${r.json.claim_attempt_id}` };
};

/** The wrong code a lesson sends: the right one with every digit shifted. */
const misread = (otp: string) => otp.replace(/\d/g, (d) => String((Number(d) + 1) % 10));

/** POST /agent/auth/claim/complete {claim_token, otp}. */
export const completeClaim: AgentStepDef = async (ctx) => {
  const { k } = ctx;
  if (!k.claim) throw new AgentStop(false, 'I have no claim to complete.');
  const url = new URL('complete', `${k.as!.agent_auth!.claim_uri!.replace(/\/$/, '')}/`).toString();
  const again = ctx.scenario?.id === 'previously-claimed' && k.faults.has('previously-claimed');
  let otp = again ? k.claim.lastOtp : k.otp;
  if (!otp) throw new AgentStop(false, 'You have not told me the code yet.');

  if (ctx.scenario?.id === 'wrong-otp' && !k.faults.has('wrong-otp')) {
    k.faults.add('wrong-otp');
    otp = misread(otp);
    ctx.say(`For this lesson I mistype the code: I send ${otp}.`);
  }
  if (ctx.scenario?.id === 'otp-lockout' && !k.faults.has('otp-lockout')) {
    k.faults.add('otp-lockout');
    ctx.say('For this lesson I keep sending wrong codes, as a guessing attacker would, until the service locks the code.');
    for (let i = 0; i < 20; i++) {
      const guess = String((Number(otp) + 1 + i) % 1_000_000).padStart(6, '0');
      const r = await ctx.agent('POST', url, { json: { claim_token: k.claim.token, otp: guess } });
      if (errorCode(r) !== 'otp_invalid') return applyRemedy(ctx, errorCode(r) ?? String(r.status), r);
    }
    throw new AgentStop(false, 'The service never locked the code after 20 wrong guesses.');
  }

  const r = await ctx.agent('POST', url, { json: { claim_token: k.claim.token, otp } });
  k.claim.lastOtp = otp;
  k.otp = undefined;
  if (r.status !== 200) {
    const code = errorCode(r);
    if (!code) throw new AgentStop(false, `Completing the claim answered ${describeError(r)}.`);
    return applyRemedy(ctx, code, r);
  }
  if (r.json.credential) {
    // verified email: the credential is issued now (PROTOCOL.md §3).
    k.credential = {
      value: r.json.credential, type: r.json.credential_type, scopes: r.json.scopes ?? [], expires: r.json.credential_expires,
      registrationId: r.json.registration_id, worked: false,
    };
    ctx.say(`Claimed: the service issued me ${/^[aeiou]/i.test(r.json.credential_type) ? 'an' : 'a'} ${r.json.credential_type} with scopes ${(r.json.scopes ?? []).join(', ')}.`);
  } else if (k.credential) {
    // anonymous: the same key now carries the post-claim scopes.
    k.credential.scopes = k.claim.postClaimScopes ?? k.credential.scopes;
    ctx.say(`Claimed: the key I already hold is now yours, with scopes ${k.credential.scopes.join(', ')}.`);
  }
  if (ctx.scenario?.id === 'previously-claimed' && !k.faults.has('previously-claimed')) {
    k.faults.add('previously-claimed');
    ctx.say('For this lesson I send the same completion again, as a retry after a lost answer would.');
    ctx.insert(['complete_claim']);
  }
  return { status: 'done', detail: `${r.json.status} ${r.json.registration_id}` };
};

/** The person's side of the ceremony. Autopilot does it with real requests as the User. */
const claimSince = (ctx: StepCtx) => ctx.k.claim?.sentAt ?? Date.now();

export const openMail: UserStepDef = {
  action: (ctx) => ({ kind: 'open_mail', prompt: `Open your inbox: the service sent a claim link to ${ctx.k.userEmail}.`, url: ctx.k.mailboxUrl ? `${ctx.k.mailboxUrl}/messages` : undefined }),
  async perform(ctx) {
    const mail = await ctx.user.openMail(claimSince(ctx));
    return `You opened the email "${mail.subject}".`;
  },
};

export const openLink: UserStepDef = {
  action: (ctx) => ({ kind: 'open_link', prompt: 'Click the link in the email: it opens the service\'s claim page.', url: ctx.user.link }),
  async perform(ctx) {
    const status = await ctx.user.openLink();
    if (status !== 200) throw new UserActionError(`the claim page answered ${status}`);
    return 'You opened the claim page. It shows a button; no code exists yet.';
  },
};

export const revealCode: UserStepDef = {
  action: () => ({ kind: 'reveal_code', prompt: 'Press the button on the claim page to reveal your six-digit code.' }),
  async perform(ctx) {
    const r = await ctx.user.revealCode();
    if (r.status !== 200 || !r.code) throw new UserActionError(`revealing the code: the claim page's challenge ${whatIsWrong(r.result, 'a challenge code')}`);
    return 'You pressed "reveal": the page shows a six-digit code.';
  },
};

export const enterOtp: UserStepDef = {
  action: () => ({ kind: 'enter_otp', prompt: 'Tell me the six-digit code from the claim page.' }),
  async perform(ctx) {
    if (!ctx.user.code) throw new UserActionError('there is no code on the claim page to read');
    ctx.k.otp = ctx.user.code;
    return 'You read the code to the agent.';
  },
  check: async (ctx) => Boolean(ctx.k.otp),
};
