import { randomUUID } from 'node:crypto';
import { GRANT_TYPE_CLAIM } from '../../../../protocol/v0.6/constants.js';
import { brief } from '../../http.js';
import { endpoint06, type CheckContext, type Discovered } from '../../context.js';
import { fail, info, must, ok, skip, type Check } from '../../types.js';
import { api, expectTokenError, hiddenFields, identity, offers06, signIn, token } from './support.js';

/**
 * PROTOCOL-v0.6.md §3: the claim ceremony with the runner playing the person — it signs in at the
 * service's mock /login as the claim's email (both the reference and ours take any email there),
 * opens the verification page and types the user_code; the agent side polls the claim grant (§5).
 */

const P = ['v0.6'] as const;
/** How many wrong codes the runner tries before calling the user_code unlimited (ours locks after 5). */
const MAX_GUESSES = 10;

interface Ceremony {
  d: Discovered;
  claimToken: string;
  email: string;
  cookie: string;
  /** The attempt token (cvt_…) and user_code of the latest start. */
  attemptToken: string;
  userCode: string;
  /** The hidden fields of the last code form the service showed (a 401 shows it again), as a browser keeps its open page. */
  lastForm?: Record<string, string>;
}

/** A fresh anonymous registration, a session for a fresh email, and a started claim (§3 POST claim_endpoint). */
async function begin(ctx: CheckContext): Promise<Ceremony> {
  const d = await ctx.shared.discovered(ctx.http);
  if (!offers06(d, 'anonymous')) skip('the service does not advertise anonymous registration');
  const reg = await identity(ctx, d, { type: 'anonymous' });
  if (reg.status !== 200) fail(`anonymous registration → ${brief(reg)}`);
  const email = `conformance-claim-${randomUUID().slice(0, 8)}@example.com`;
  const cookie = await signIn(ctx, d, email);
  if (!cookie) skip(`the service's /login set no session cookie for ${email}: the runner cannot play the person (a real sign-in needs you)`);
  const c: Ceremony = { d, claimToken: reg.json.claim_token, email, cookie, attemptToken: '', userCode: '' };
  await restart(ctx, c);
  return c;
}

async function restart(ctx: CheckContext, c: Ceremony): Promise<void> {
  const res = await ctx.http.post(endpoint06(c.d, 'claim_endpoint'), { json: { claim_token: c.claimToken, email: c.email } });
  if (res.status !== 200) fail(`claim start → ${brief(res)}`);
  const vu = String(res.json?.claim_attempt?.verification_uri ?? '');
  // verification_uri = <AS>/login?return_to=/claim?claim_attempt_token=cvt_… (§3)
  const returnTo = URL.canParse(vu) ? new URL(vu).searchParams.get('return_to') ?? '' : '';
  const attemptToken = new URL(returnTo || '/', c.d.asUrl).searchParams.get('claim_attempt_token');
  if (!attemptToken) fail(`verification_uri ${JSON.stringify(vu)} names no claim_attempt_token in its return_to`);
  c.attemptToken = attemptToken;
  c.userCode = String(res.json.claim_attempt.user_code);
}

const claimPage = (ctx: CheckContext, c: Ceremony, attemptToken = c.attemptToken) =>
  ctx.http.get(`${new URL(c.d.asUrl).origin}/claim?claim_attempt_token=${encodeURIComponent(attemptToken)}`, { headers: { accept: 'text/html', cookie: c.cookie } });

/** The person's form post (§3 POST /agent/identity/claim/complete), with the page's hidden fields. */
async function submit(ctx: CheckContext, c: Ceremony, userCode: string) {
  const page = await claimPage(ctx, c);
  const fields = page.status === 200 ? hiddenFields(page.text, '/claim/complete') : (c.lastForm ?? { claim_attempt_token: c.attemptToken });
  const res = await ctx.http.post(`${endpoint06(c.d, 'claim_endpoint')}/complete`, {
    body: new URLSearchParams({ claim_attempt_token: c.attemptToken, ...fields, user_code: userCode }).toString(), contentType: 'application/x-www-form-urlencoded',
    headers: { accept: 'text/html', cookie: c.cookie, origin: new URL(c.d.asUrl).origin },
  });
  const shownAgain = hiddenFields(res.text ?? '', '/claim/complete');
  if (Object.keys(shownAgain).length) c.lastForm = shownAgain;
  return res;
}

const wrong = (code: string, i: number) => String((Number(code) + 1 + i) % 1_000_000).padStart(6, '0');

export const claimChecks06: Check<CheckContext>[] = [
  {
    id: 'claim.complete',
    title: 'The whole claim: sign in, type the user_code → the claim grant answers an access token with the post-claim scopes and a new assertion',
    group: 'claim', target: 'service', profiles: P,
    spec: { protocol: 'PROTOCOL-v0.6.md §3 (completion), §5 (claim grant)', rfc: 'RFC 8628 §3.4, §3.5' },
    async run(ctx) {
      const c = await begin(ctx);
      const page = await claimPage(ctx, c);
      must(page.status === 200, `the signed-in claim page → ${brief(page)}`);
      const done = await submit(ctx, c, c.userCode);
      must(done.status === 200, `the right user_code → ${brief(done)}`);
      const t = await token(ctx, c.d, { grant_type: GRANT_TYPE_CLAIM, claim_token: c.claimToken });
      must(t.status === 200 && typeof t.json?.access_token === 'string' && typeof t.json?.identity_assertion === 'string', `the claim grant after completion → ${brief(t)}`);
      must(String(t.json.scope).split(' ').includes('api.write'), `the claimed token's scope is ${JSON.stringify(t.json.scope)}; post-claim scopes include api.write`);
      const me = await ctx.http.get(api(ctx), { bearer: t.json.access_token });
      must(me.status === 200 && String(me.json?.user?.email ?? '').toLowerCase() === c.email, `the claimed token's user is ${JSON.stringify(me.json?.user)}, not ${c.email}`);
      return ok(`claimed by ${c.email}; the claim grant answered scope "${t.json.scope}"`);
    },
  },
  {
    id: 'claim.superseded_link',
    title: 'A restarted claim replaces the attempt: the old link → 404, the old user_code no longer completes',
    group: 'claim', target: 'service', profiles: P,
    spec: { protocol: 'PROTOCOL-v0.6.md §3 ("Every call replaces the attempt")', rfc: 'RFC 8628 §3.5' },
    remedy: 'On every claim start replace the attempt: the old cvt_ link answers 404 and the old user_code stops matching.',
    async run(ctx) {
      const c = await begin(ctx);
      const old = { attemptToken: c.attemptToken, userCode: c.userCode };
      await restart(ctx, c);
      const stale = await claimPage(ctx, c, old.attemptToken);
      must(stale.status === 404, `the superseded link → ${brief(stale)}; PROTOCOL-v0.6.md §3 has 404`);
      if (old.userCode !== c.userCode) {
        const res = await submit(ctx, c, old.userCode);
        must(res.status !== 200, `the superseded user_code completed the new attempt: ${brief(res)}`);
      }
      const fresh = await claimPage(ctx, c);
      must(fresh.status === 200, `the new link → ${brief(fresh)}`);
    },
  },
  {
    id: 'claim.user_code_lockout',
    title: '(beyond) Wrong user_codes are limited: then 429, even for the right code, and the claim grant answers expired_token',
    group: 'claim', target: 'service', profiles: P,
    spec: { protocol: 'PROTOCOL-v0.6.md §3 (Lockout, beyond)', rfc: 'RFC 8628 §5.1 (brute forcing the user code)' },
    async run(ctx) {
      const c = await begin(ctx);
      let locked = 0;
      for (let i = 0; i < MAX_GUESSES && !locked; i++) {
        const res = await submit(ctx, c, wrong(c.userCode, i));
        if (res.status === 429) locked = i + 1;
        else must(res.status === 401, `wrong code #${i + 1} → ${brief(res)}; §3 has 401 (form shown again)`);
      }
      if (!locked) return info(`${MAX_GUESSES} wrong user_codes were each answered 401 and never locked: a rule we add (beyond); RFC 8628 §5.1 asks for rate limits`);
      const right = await submit(ctx, c, c.userCode);
      must(right.status === 429, `the right code while locked → ${brief(right)}`);
      expectTokenError(await token(ctx, c.d, { grant_type: GRANT_TYPE_CLAIM, claim_token: c.claimToken }), 'expired_token', 'the claim grant of a locked attempt');
      return ok(`locked after ${locked - 1} wrong codes; the right code 429; the claim grant expired_token`);
    },
  },
];
