import { randomUUID } from 'node:crypto';
import { offers } from '../../../agent/discovery.js';
import { brief } from '../http.js';
import { endpoint, type CheckContext } from '../context.js';
import { fail, must, ok, skip, type Check } from '../types.js';

/**
 * Checks that need the person: the claim email is read from `--mailbox` (PROTOCOL.md §8) when
 * given, else the person at the terminal reads it; under --non-interactive they are SKIPPED.
 */

const MAIL_WAIT_MS = 8000;

export function freshEmail(): string {
  return `conformance+${randomUUID().slice(0, 8)}@example.com`;
}

function personCanHelp(ctx: CheckContext): void {
  if (!ctx.opts.mailboxUrl && (!ctx.opts.interactive || !ctx.opts.ask))
    skip('needs the person to read an email: pass --mailbox URL (an inbox API as PROTOCOL.md §8), or run it at a terminal without --non-interactive to read the email yourself');
}

/** The address to mail: a fresh one at the mailbox, or one the person types. */
async function addressFor(ctx: CheckContext): Promise<string> {
  if (ctx.opts.mailboxUrl) return freshEmail();
  const typed = (await ctx.opts.ask!('An email address you can read now (empty to skip): ')).trim();
  if (!typed) skip('the person skipped the email check');
  return typed;
}

/**
 * The OTP the claim page shows (PROTOCOL.md §3): from the mailbox, open the link's page, then mint
 * the code as the page does; at the terminal, the person opens the link and types the code.
 */
async function otpFor(ctx: CheckContext, email: string, claimUri: string): Promise<string> {
  if (!ctx.opts.mailboxUrl) return (await ctx.opts.ask!(`Open the email sent to ${email}, follow its link, and type the 6-digit code the page shows: `)).trim();
  return (await pageChallenge(ctx, await mailedLink(ctx, email), claimUri)).otp;
}

/** The newest claim link mailed to `email`, read from `--mailbox` (PROTOCOL.md §8). */
export async function mailedLink(ctx: CheckContext, email: string): Promise<string> {
  const box = ctx.opts.mailboxUrl!.replace(/\/+$/, '');
  const deadline = Date.now() + MAIL_WAIT_MS;
  let link: string | undefined;
  while (!link && Date.now() < deadline) {
    const list = await ctx.http.get(`${box}/messages`);
    const mail = Array.isArray(list.json) ? list.json.find((m: { to?: unknown }) => String(m.to ?? '').includes(email)) : undefined;
    link = mail ? /https?:\/\/[^\s<>"')\]]+\?token=[^\s<>"')\]&]+/.exec(`${mail.text ?? ''} ${mail.html ?? ''}`)?.[0] : undefined;
    if (!link) await new Promise((r) => setTimeout(r, 150));
  }
  if (!link) fail(`no email with a claim link reached ${email} at ${box} within ${MAIL_WAIT_MS / 1000} s`);
  return link;
}

/** Open the link's page as the user's browser does, then mint the code as that page does (PROTOCOL.md §3). */
export async function pageChallenge(ctx: CheckContext, link: string, claimUri: string): Promise<{ otp: string; attemptToken: string }> {
  const page = await ctx.http.get(link, { headers: { accept: 'text/html' } });
  must(page.status === 200, `the claim link ${link} → ${brief(page)}`);
  const attemptToken = new URL(link).searchParams.get('token') ?? '';
  const challenge = await ctx.http.post(`${claimUri}/attempt/challenge`, { json: { claim_attempt_token: attemptToken } });
  must(challenge.status === 200 && /^\d{6}$/.test(String(challenge.json?.challenge)), `the page's challenge call → ${brief(challenge)}`);
  return { otp: challenge.json.challenge, attemptToken };
}

/** Checks that drive several emails (lockout, superseded links, linking) read them from the mailbox only. */
export function mailboxNeeded(ctx: CheckContext): void {
  if (!ctx.opts.mailboxUrl) skip('needs --mailbox URL (an inbox API as PROTOCOL.md §8): it reads several claim emails, which is not asked of a person');
}

export const emailChecks: Check<CheckContext>[] = [
  {
    id: 'claim.complete',
    title: 'The whole anonymous claim: email link, OTP, complete → the same key gains the post-claim scopes',
    group: 'claim', target: 'service', profiles: ['v0.1'],
    spec: { protocol: 'PROTOCOL.md §3' },
    async run(ctx) {
      const d = await ctx.shared.discovered(ctx.http);
      if (!offers(d.as).anonymous) skip('the service does not advertise anonymous registration');
      personCanHelp(ctx);
      const reg = await ctx.http.post(endpoint(d, 'register_uri'), { json: { type: 'anonymous', requested_credential_type: 'api_key' } });
      must(reg.status === 200, `anonymous registration → ${brief(reg)}`);
      const email = await addressFor(ctx);
      const claimUri = endpoint(d, 'claim_uri');
      const start = await ctx.http.post(claimUri, { json: { claim_token: reg.json.claim_token, email } });
      must(start.status === 200, `claim start → ${brief(start)}`);
      const otp = await otpFor(ctx, email, claimUri);
      const done = await ctx.http.post(`${claimUri}/complete`, { json: { claim_token: reg.json.claim_token, otp } });
      must(done.status === 200 && done.json?.status === 'claimed', `complete → ${brief(done)}`);
      const write = await ctx.http.post(`${ctx.opts.serviceUrl.replace(/\/+$/, '')}/api/resource`, { bearer: reg.json.credential, json: { note: 'claimed' } });
      must(write.status === 201, `after the claim the same key should write (api.write): ${brief(write)}`);
      return ok(`claimed by ${email}; the key now writes`);
    },
  },
  {
    id: 'registration.verified_email',
    title: 'verified_email registration: no credential until the emailed OTP is completed',
    group: 'registration', target: 'service', profiles: ['v0.1'],
    spec: { protocol: 'PROTOCOL.md §2 (identity_assertion + verified_email), §3' },
    async run(ctx) {
      const d = await ctx.shared.discovered(ctx.http);
      if (!offers(d.as).verifiedEmail) skip('the service does not advertise verified_email');
      personCanHelp(ctx);
      const email = await addressFor(ctx);
      const reg = await ctx.http.post(endpoint(d, 'register_uri'), {
        json: { type: 'identity_assertion', assertion_type: 'verified_email', assertion: email, requested_credential_type: 'api_key' },
      });
      must(reg.status === 200, `registration → ${brief(reg)}`);
      must(reg.json.registration_type === 'email-verification', `registration_type is ${JSON.stringify(reg.json.registration_type)}`);
      must(!('credential' in reg.json), 'a credential was issued before the email was verified');
      const otp = await otpFor(ctx, email, endpoint(d, 'claim_uri'));
      const done = await ctx.http.post(`${endpoint(d, 'claim_uri')}/complete`, { json: { claim_token: reg.json.claim_token, otp } });
      must(done.status === 200 && typeof done.json?.credential === 'string', `complete → ${brief(done)}`);
      const api = await ctx.http.get(`${ctx.opts.serviceUrl.replace(/\/+$/, '')}/api/resource`, { bearer: done.json.credential });
      must(api.status === 200, `the credential does not read the API: ${brief(api)}`);
      return ok(`verified ${email}; credential issued on completion`);
    },
  },
];
