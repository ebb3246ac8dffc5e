import { randomUUID } from 'node:crypto';
import { offers } from '../../../agent/discovery.js';
import { brief } from '../http.js';
import { endpoint, type CheckContext } from '../context.js';
import { fail, must, ok, skip, warn, type Check } from '../types.js';
import { freshEmail, mailboxNeeded, mailedLink, pageChallenge } from './email.js';
import { audienceOf, present, trusted } from './idJag.js';

/**
 * The account-linking takeover (PROTOCOL.md §2 "User matching: … → verified email"): an ID-JAG
 * whose verified email belongs to an existing account. v0.1 links it silently — whoever controls
 * an issuer the service trusts can reach any account by its email — which v0.6 §2 closes with a
 * 401 interaction_required step-up. The runner reports the v0.1 behaviour as a WARNING.
 */

const api = (ctx: CheckContext) => `${ctx.opts.serviceUrl.replace(/\/+$/, '')}/api/resource`;

/** An account for `email`: an anonymous registration claimed through the mailbox (PROTOCOL.md §3). */
async function accountFor(ctx: CheckContext, email: string): Promise<string> {
  const d = await ctx.shared.discovered(ctx.http);
  if (!offers(d.as).anonymous) skip('needs anonymous registration to make an account by email; the service does not advertise it');
  const reg = await ctx.http.post(endpoint(d, 'register_uri'), { json: { type: 'anonymous', requested_credential_type: 'api_key' } });
  if (reg.status !== 200) fail(`anonymous registration → ${brief(reg)}`);
  const claimUri = endpoint(d, 'claim_uri');
  const start = await ctx.http.post(claimUri, { json: { claim_token: reg.json.claim_token, email } });
  if (start.status !== 200) fail(`claim start → ${brief(start)}`);
  const { otp } = await pageChallenge(ctx, await mailedLink(ctx, email), claimUri);
  const done = await ctx.http.post(`${claimUri}/complete`, { json: { claim_token: reg.json.claim_token, otp } });
  if (done.status !== 200) fail(`claim complete → ${brief(done)}`);
  const me = await ctx.http.get(api(ctx), { bearer: reg.json.credential });
  const id = me.json?.user?.id;
  if (me.status !== 200 || typeof id !== 'string') fail(`the claimed key does not say whose account it is (GET /api/resource user.id): ${brief(me)}`);
  return id;
}

export const linkingChecks: Check<CheckContext>[] = [
  {
    id: 'idjag.account_linking',
    title: 'An ID-JAG with the verified email of an existing account: linked silently (v0.1) or 401 interaction_required (v0.6 step-up)',
    group: 'id-jag', target: 'service', profiles: ['v0.1'],
    spec: { protocol: 'PROTOCOL.md §2 (user matching); PROTOCOL-v0.6.md §2 (step-up)', rfc: 'OpenID Connect Core 1.0 §5.7 (email is not a stable identifier)' },
    remedy: 'Answer an ID-JAG that matches an existing account by email only with a documented code: 200 (v0.1 linking) or 401 interaction_required with a claim the account holder confirms (v0.6).',
    async run(ctx) {
      mailboxNeeded(ctx);
      const d = await trusted(ctx);
      const email = freshEmail();
      const owner = await accountFor(ctx, email);
      const res = await present(ctx, d, await ctx.shared.issuer.mint(audienceOf(d), { claims: { sub: `conformance-linker-${randomUUID().slice(0, 8)}`, email, email_verified: true } }));
      if (res.status === 401 && res.json?.error === 'interaction_required')
        return ok(`refused with 401 interaction_required: the account holder of ${email} must confirm first (the v0.6 step-up)`);
      must(res.status === 200 && typeof res.json?.credential === 'string', `wanted 200 (v0.1 links) or 401 interaction_required (v0.6 step-up), got ${brief(res)}`);
      const me = await ctx.http.get(api(ctx), { bearer: res.json.credential });
      must(me.status === 200, `the issued credential does not read the API: ${brief(me)}`);
      if (me.json?.user?.id === owner)
        return warn(`an ID-JAG from the runner's issuer (a new sub) claiming ${email} was linked silently to the existing account ${owner}: any trusted issuer can reach an account by its email. v0.1 permits this; PROTOCOL-v0.6.md §2 answers 401 interaction_required until the account holder confirms.`);
      return ok(`not linked: the ID-JAG got its own account (${JSON.stringify(me.json?.user?.id)}), not ${owner}`);
    },
  },
];
