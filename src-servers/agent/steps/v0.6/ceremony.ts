import { AgentStop, type AgentStepDef, type Knowledge, type StepCtx, type UserStepDef } from '../../context.js';
import { describeError, errorCode, whatIsWrong } from '../../http.js';
import { applyRemedy } from '../../remedies.js';
import { UserActionError } from '../../user.js';
import { signInAtService, submitUserCode } from './browser.js';
import { pollClaimGrant } from './poll.js';
import { holdAccessToken } from './register.js';

/**
 * The v0.6 claim ceremony (PROTOCOL-v0.6.md §3, shaped after RFC 8628): the agent holds the
 * claim_token and shows the person a user_code and a verification_uri; the person signs in at the
 * service and types the code; the agent polls the claim grant. No mail, no OTP (v0.1: ../claim.ts).
 */

type Ceremony = NonNullable<NonNullable<Knowledge['claim']>['attempt']>;

/** The ceremony block (`claim` / `claim_attempt`), read defensively. */
export function ceremonyOf(block: any): Ceremony | undefined {
  if (!block || typeof block.user_code !== 'string' || typeof block.verification_uri !== 'string') return undefined;
  return {
    userCode: block.user_code, verificationUri: block.verification_uri,
    interval: typeof block.interval === 'number' ? block.interval : 5,
    expiresIn: typeof block.expires_in === 'number' ? block.expires_in : 600,
  };
}

/** POST claim_endpoint {claim_token, email} → a fresh ceremony (anonymous) for the agent to hand over. */
export const startClaimV06: AgentStepDef = async (ctx) => {
  const { k } = ctx;
  if (!k.claim) throw new AgentStop(false, 'I have no claim token to claim with.');
  const url = k.as?.agent_auth?.claim_endpoint;
  if (!url) throw new AgentStop(false, 'The metadata names no claim_endpoint, so the registration cannot be claimed.');
  ctx.say(`You told me your email is ${k.userEmail}; I ask the service for a code you can confirm as that account.`);
  const r = await ctx.agent('POST', url, { json: { claim_token: k.claim.token, email: k.userEmail } });
  if (r.status !== 200) {
    const code = errorCode(r);
    if (!code) throw new AgentStop(false, `Starting the claim answered ${describeError(r)}.`);
    return applyRemedy(ctx, code, r);
  }
  const attempt = ceremonyOf(r.json?.claim_attempt);
  if (!attempt) throw new AgentStop(false, `Starting the claim ${whatIsWrong(r, 'a claim_attempt with a user_code and a verification_uri')}.`);
  k.claim = { ...k.claim, email: k.userEmail, attempt: { ...attempt, id: r.json.claim_attempt_id }, granted: undefined };
  ctx.rearm(['sign_in_service', 'enter_user_code']);
  ctx.say(`Please sign in at the service as ${k.userEmail} — ${attempt.verificationUri} — and type the code ${attempt.userCode}. It is valid ${attempt.expiresIn} s.`);
  // The polling lesson: ask before the person could have confirmed.
  if (ctx.scenario?.id === 'polling-too-early' && !k.faults.has('polling-too-early')) {
    k.faults.add('polling-too-early');
    ctx.insert(['poll_claim']);
  }
  return { status: 'done', detail: `attempt ${r.json.claim_attempt_id ?? '?'}, code ${attempt.userCode}` };
};

/**
 * RFC 8628 §3.4: the agent learns you confirmed by polling, not by watching you — its way to notice
 * while it waits for the person (a browser it does not see, the CLI's Enter).
 */
async function confirmed(ctx: StepCtx): Promise<boolean> {
  if (ctx.k.claim?.granted) return true;
  if (!ctx.k.claim?.attempt) return false;
  return (await poll(ctx, 1)).kind === 'granted';
}

async function poll(ctx: StepCtx, maxPolls?: number) {
  const { k } = ctx;
  const claim = k.claim!;
  const attempt = claim.attempt!;
  const tokenEndpoint = k.as?.token_endpoint;
  if (!tokenEndpoint) throw new AgentStop(false, 'The metadata names no token_endpoint to poll the claim grant at.');
  const outcome = await pollClaimGrant({
    tokenEndpoint, claimToken: claim.token, interval: attempt.interval, expiresIn: attempt.expiresIn,
    lastPollAt: claim.lastPollAt, maxPolls,
    post: (url, form) => ctx.agent('POST', url, { form }),
    sleep: (ms) => {
      ctx.detail(`waiting ${Math.round(ms / 1000)} s before polling again (interval)`);
      return ctx.sleep(ms);
    },
    onPending: (code, interval) => {
      claim.lastPollAt = Date.now();
      if (code === 'slow_down') ctx.say(`The service says slow_down: I poll every ${interval} s from now on (RFC 8628 §3.5).`);
      attempt.interval = interval;
    },
  });
  if (outcome.kind !== 'timed_out') claim.lastPollAt = Date.now();
  if (outcome.kind === 'granted') claim.granted = outcome.answer.json;
  return outcome;
}

/** Poll the claim grant until the person confirmed (RFC 8628 §3.4), then hold its token and new assertion. */
export const pollClaim: AgentStepDef = async (ctx) => {
  const { k } = ctx;
  if (!k.claim?.attempt) throw new AgentStop(false, 'There is no claim ceremony to poll.');
  const early = ctx.scenario?.id === 'polling-too-early' && !k.faults.has('polled-early');
  if (early) k.faults.add('polled-early');
  const outcome = k.claim.granted ? undefined : await poll(ctx, early ? 1 : undefined);
  if (outcome?.kind === 'pending' || outcome?.kind === 'error' || outcome?.kind === 'expired') {
    const code = errorCode(outcome.answer);
    if (!code) throw new AgentStop(false, `Polling the claim grant answered ${describeError(outcome.answer)}.`);
    return applyRemedy(ctx, code, outcome.answer);
  }
  if (outcome?.kind === 'timed_out') throw new AgentStop(false, `You did not confirm within the code's ${k.claim.attempt.expiresIn} s; I stopped polling.`);
  const t = k.claim.granted!;
  holdAccessToken(k, t, k.claim.registrationId);
  if (typeof t.identity_assertion === 'string') k.assertion = { value: t.identity_assertion, expires: t.assertion_expires };
  ctx.say(`You confirmed: the claim grant gave me an access token with scopes ${k.credential!.scopes.join(', ')} and a new identity assertion.`);
  return { status: 'done', detail: `granted, scope ${t.scope ?? ''}`.trim() };
};

/** A misread code: every digit shifted by one. */
const misread = (code: string) => code.replace(/\d/g, (d) => String((Number(d) + 1) % 10));

/** The account the person signs in as: the claim's, except in the wrong-account lesson's first try. */
function signInEmail(ctx: StepCtx): string {
  const email = ctx.k.claim?.email ?? ctx.k.userEmail;
  if (ctx.scenario?.id === 'wrong-account' && !ctx.k.faults.has('wrong-account')) return WRONG_ACCOUNT;
  return email;
}
const WRONG_ACCOUNT = 'bob@service.example.com';

export const signInService: UserStepDef = {
  action: (ctx) => {
    const a = ctx.k.claim?.attempt;
    const email = ctx.k.claim?.email ?? ctx.k.userEmail;
    return { kind: 'sign_in_service', prompt: `Open the service's page and sign in as ${email}; then type the code ${a?.userCode ?? '?'}.`, url: a?.verificationUri };
  },
  async perform(ctx) {
    const a = ctx.k.claim?.attempt;
    if (!a) throw new UserActionError('the agent showed me no link to open');
    const email = signInEmail(ctx);
    const page = await signInAtService(ctx.user, a.verificationUri, email);
    ctx.k.claim!.page = page.status;
    if (page.status === 403) return `You signed in at the service as ${email}; its claim page answered 403 Wrong account.`;
    if (page.status !== 200) throw new UserActionError(`after signing in, the claim page answered ${page.status}`);
    const left = page.signedOut ? `You left the other account by ${page.signedOut}, then s` : 'You s';
    return `${left}igned in at the service as ${email} and reached its claim page${page.advisories.length ? ` (it says: ${page.advisories.join(' ')})` : ''}.`;
  },
  async after(ctx) {
    if (ctx.k.claim?.page === 403) {
      ctx.k.faults.add('wrong-account');
      return applyRemedy(ctx, 'wrong_account', undefined, `403 wrong_account — signed in as ${WRONG_ACCOUNT}, the claim is for ${ctx.k.claim.email}`);
    }
    return { status: 'done', detail: ctx.k.claim?.granted ? 'you confirmed (the claim grant says so)' : `signed in as ${ctx.k.claim?.email ?? ctx.k.userEmail}` };
  },
  check: confirmed,
};

export const enterUserCode: UserStepDef = {
  action: (ctx) => ({ kind: 'enter_user_code', prompt: `Type the code ${ctx.k.claim?.attempt?.userCode ?? '?'} on the service's claim page and confirm.`, url: ctx.k.claim?.attempt?.verificationUri }),
  async perform(ctx) {
    const { k } = ctx;
    const code = k.claim?.attempt?.userCode;
    if (!code) throw new UserActionError('the agent showed me no code');
    // The two code lessons: a slip of the finger once, or an attacker guessing until the page locks.
    if (ctx.scenario?.id === 'wrong-user-code' && !k.faults.has('wrong-user-code')) {
      k.faults.add('wrong-user-code');
      const typo = misread(code);
      k.claim!.page = await submitUserCode(ctx.user, typo);
      return `You mistyped the code: ${typo} instead of ${code}. The claim page answered ${k.claim!.page}.`;
    }
    if (ctx.scenario?.id === 'user-code-locked' && !k.faults.has('user-code-locked')) {
      k.faults.add('user-code-locked');
      for (let i = 0; i < 20; i++) {
        k.claim!.page = await submitUserCode(ctx.user, String((Number(code) + 1 + i) % 1_000_000).padStart(6, '0'));
        if (k.claim!.page !== 401) return `Somebody guessed ${i + 1} wrong codes on the claim page; it answered ${k.claim!.page}.`;
      }
      throw new UserActionError('the claim page took 20 wrong codes without locking: this service sets no limit (the public reference has none; ours locks after userCodeMaxAttempts, PROTOCOL-v0.6.md §3)');
    }
    const status = await submitUserCode(ctx.user, code);
    k.claim!.page = status;
    if (status !== 200) throw new UserActionError(`the claim page answered ${status} to the code`);
    return `You typed ${code} on the claim page and confirmed: "All set".`;
  },
  async after(ctx) {
    const page = ctx.k.claim?.page;
    // PROTOCOL-v0.6.md §3: the page's outcomes by name (CLAIM_PAGE_OUTCOMES_V06).
    if (page === 401) return applyRemedy(ctx, 'user_code_invalid', undefined, '401 user_code_invalid — the claim page refused the code and shows its form again');
    if (page === 429) return applyRemedy(ctx, 'user_code_locked', undefined, '429 user_code_locked — the claim page locked this code');
    return { status: 'done', detail: ctx.k.claim?.granted && page !== 200 ? 'you confirmed (the claim grant says so)' : 'confirmed' };
  },
  check: confirmed,
};
