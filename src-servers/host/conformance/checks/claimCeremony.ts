import { offers } from '../../../agent/discovery.js';
import { brief } from '../http.js';
import { endpoint, type CheckContext, type Discovered } from '../context.js';
import { fail, must, ok, skip, type Check } from '../types.js';
import { expectError } from './expect.js';
import { freshEmail, mailboxNeeded, mailedLink, pageChallenge } from './email.js';

/** PROTOCOL.md §3: the claim ceremony's guards — OTP lockout, superseded links, the registration window. */

/** How many wrong codes the runner tries before calling the OTP unlimited (the default limit is 5). */
const MAX_GUESSES = 10;
/** The longest claim window the runner waits out to watch a registration expire. */
const EXPIRY_WAIT_S = 10;

interface Started {
  d: Discovered;
  claimUri: string;
  claimToken: string;
  credential: string;
  expires: string;
}

/** A fresh anonymous registration (its own, so no other check's claim interferes). */
async function register(ctx: CheckContext): Promise<Started> {
  const d = await ctx.shared.discovered(ctx.http);
  if (!offers(d.as).anonymous) skip('the service does not advertise anonymous registration');
  const reg = await ctx.http.post(endpoint(d, 'register_uri'), { json: { type: 'anonymous', requested_credential_type: 'api_key' } });
  if (reg.status !== 200 || typeof reg.json?.claim_token !== 'string') fail(`anonymous registration → ${brief(reg)}`);
  return { d, claimUri: endpoint(d, 'claim_uri'), claimToken: reg.json.claim_token, credential: reg.json.credential, expires: reg.json.claim_token_expires };
}

async function startClaim(ctx: CheckContext, s: Started, email: string): Promise<void> {
  const res = await ctx.http.post(s.claimUri, { json: { claim_token: s.claimToken, email } });
  if (res.status !== 200) fail(`claim start for ${email} → ${brief(res)}`);
}

/** A six-digit code other than `otp` (the i-th wrong guess). */
const wrong = (otp: string, i: number) => String((Number(otp) + 1 + i) % 1_000_000).padStart(6, '0');

export const claimCeremonyChecks: Check<CheckContext>[] = [
  {
    id: 'claim.otp_lockout',
    title: 'Wrong OTPs are limited: after the limit → 429 otp_locked, even for the right code, until the page mints a new one',
    group: 'claim', target: 'service', profiles: ['v0.1'],
    spec: { protocol: 'PROTOCOL.md §3 (otpMaxAttempts, otp_locked)', rfc: 'RFC 6749 §10.10, NIST SP 800-63B §5.2.2' },
    remedy: 'Count wrong guesses per OTP; after otpMaxAttempts answer 429 otp_locked to every complete (right code included) until the claim page mints a new code.',
    async run(ctx) {
      mailboxNeeded(ctx);
      const s = await register(ctx);
      const email = freshEmail();
      await startClaim(ctx, s, email);
      const link = await mailedLink(ctx, email);
      const { otp } = await pageChallenge(ctx, link, s.claimUri);
      const complete = (code: string) => ctx.http.post(`${s.claimUri}/complete`, { json: { claim_token: s.claimToken, otp: code } });
      let locked = 0;
      for (let i = 0; i < MAX_GUESSES && !locked; i++) {
        const res = await complete(wrong(otp, i));
        if (res.status === 429 && res.json?.error === 'otp_locked') locked = i + 1;
        else expectError(res, 401, 'otp_invalid', `wrong code #${i + 1}`);
      }
      must(locked, `${MAX_GUESSES} wrong codes in a row were each answered otp_invalid and never otp_locked: the 6-digit OTP can be guessed`);
      expectError(await complete(otp), 429, 'otp_locked', 'the right code while locked');
      // PROTOCOL.md §3: the user's page minting a new code ends the lock.
      const fresh = await pageChallenge(ctx, link, s.claimUri);
      const done = await complete(fresh.otp);
      must(done.status === 200 && done.json?.status === 'claimed', `the new code after the lock → ${brief(done)}`);
      return ok(`locked after ${locked - 1} wrong codes; the right code was refused while locked; a new code from the page claimed`);
    },
  },
  {
    id: 'claim.superseded_link',
    title: 'A new claim supersedes the old link: its challenge → 410 claim_superseded, the new link works',
    group: 'claim', target: 'service', profiles: ['v0.1'],
    spec: { protocol: 'PROTOCOL.md §3 (a new /agent/auth/claim call supersedes the old link)', rfc: 'RFC 8628 §3.5 (expired device codes are refused)' },
    remedy: 'When a claim restarts, mark the previous attempt superseded and answer its link\'s challenge with 410 claim_superseded.',
    async run(ctx) {
      mailboxNeeded(ctx);
      const s = await register(ctx);
      const first = freshEmail();
      await startClaim(ctx, s, first);
      const oldLink = await mailedLink(ctx, first);
      const second = freshEmail();
      await startClaim(ctx, s, second);
      const newLink = await mailedLink(ctx, second);
      const oldToken = new URL(oldLink).searchParams.get('token');
      expectError(await ctx.http.post(`${s.claimUri}/attempt/challenge`, { json: { claim_attempt_token: oldToken } }), 410, 'claim_superseded', 'the superseded link\'s challenge');
      await pageChallenge(ctx, newLink, s.claimUri);
      return ok('the first link answers claim_superseded; the second mints a code');
    },
  },
  {
    id: 'claim.expiry',
    title: 'An unclaimed registration past claim_token_expires: claim → 410 claim_expired, its key → 401 invalid_token',
    group: 'claim', target: 'service', profiles: ['v0.1'],
    spec: { protocol: 'PROTOCOL.md §3 (an unclaimed anonymous registration past its TTL is expired)', rfc: 'RFC 6750 §3.1 (invalid_token)' },
    remedy: 'Expire an unclaimed registration at claim_token_expires: answer its claim with 410 claim_expired and refuse its API key with 401 invalid_token.',
    async run(ctx) {
      const s = await register(ctx);
      const left = (Date.parse(s.expires) - Date.now()) / 1000;
      if (!Number.isFinite(left)) fail(`claim_token_expires is ${JSON.stringify(s.expires)}, not a time`);
      if (left > EXPIRY_WAIT_S)
        skip(`the claim window is ${Math.round(left)} s; the runner waits at most ${EXPIRY_WAIT_S} s — set the service's registration TTL to a few seconds (ours: {"service":{"registrationTtlSeconds":2}}) to observe expiry`);
      await new Promise((r) => setTimeout(r, Math.max(0, left * 1000) + 1500));
      expectError(await ctx.http.post(s.claimUri, { json: { claim_token: s.claimToken, email: freshEmail() } }), 410, 'claim_expired', 'claim after the window');
      const api = await ctx.http.get(`${ctx.opts.serviceUrl.replace(/\/+$/, '')}/api/resource`, { bearer: s.credential });
      must(api.status === 401, `the expired registration's key still reads the API: ${brief(api)}`);
      return ok(`after the ${Math.round(left)} s window the claim answers claim_expired and the key 401`);
    },
  },
];
