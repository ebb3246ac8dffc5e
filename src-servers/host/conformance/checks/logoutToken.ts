import { randomUUID } from 'node:crypto';
import { LOGOUT_TOKEN_CONTENT_TYPE } from '../../../protocol/constants.js';
import { brief } from '../http.js';
import { endpoint, type CheckContext, type Discovered } from '../context.js';
import type { MintOptions } from '../issuer.js';
import { fail, must, ok, type Check } from '../types.js';
import { expectError } from './expect.js';
import { audienceOf, present, trusted } from './idJag.js';

/**
 * PROTOCOL.md §4 (OIDC Back-Channel Logout 1.0 §2.4–§2.6): the service as the receiver of logout
 * tokens from the runner's issuer. Each flawed token must be refused with its §2 code and revoke
 * nothing — the runner holds a live credential for the token's `sub` and reads the API after.
 */

const api = (ctx: CheckContext) => `${ctx.opts.serviceUrl.replace(/\/+$/, '')}/api/resource`;

/** A registration through the runner's issuer for a fresh `sub`, and its credential (PROTOCOL.md §2). */
async function delegation(ctx: CheckContext, d: Discovered): Promise<{ sub: string; credential: string }> {
  const sub = `conformance-logout-${randomUUID().slice(0, 8)}`;
  const res = await present(ctx, d, await ctx.shared.issuer.mint(audienceOf(d), { claims: { sub } }));
  if (res.status !== 200 || typeof res.json?.credential !== 'string') fail(`a valid ID-JAG for ${sub} was refused: ${brief(res)}`);
  return { sub, credential: res.json.credential };
}

function send(ctx: CheckContext, d: Discovered, token: string) {
  return ctx.http.post(endpoint(d, 'revocation_uri'), { body: token, contentType: LOGOUT_TOKEN_CONTENT_TYPE });
}

async function stillWorks(ctx: CheckContext, credential: string, what: string): Promise<void> {
  const res = await ctx.http.get(api(ctx), { bearer: credential });
  must(res.status === 200, `${what} was refused, but the credential no longer reads the API: ${brief(res)} — a failed logout token must revoke nothing`);
}

function negative(id: string, title: string, flaw: MintOptions | ((d: Discovered) => MintOptions), code: string, rfc: string): Check<CheckContext> {
  return {
    id, title, group: 'revocation', target: 'service', profiles: ['v0.1'],
    spec: { protocol: 'PROTOCOL.md §4 (any failure → 400 with a code from §2; nothing is revoked)', rfc },
    remedy: `Verify the whole logout token before revoking anything; refuse this one with 400 ${code}.`,
    async run(ctx) {
      const d = await trusted(ctx);
      const { sub, credential } = await delegation(ctx, d);
      const opts = typeof flaw === 'function' ? flaw(d) : flaw;
      expectError(await send(ctx, d, await ctx.shared.issuer.mintLogout(audienceOf(d), sub, opts)), 400, code, title);
      await stillWorks(ctx, credential, 'the flawed logout token');
    },
  };
}

export const logoutTokenChecks: Check<CheckContext>[] = [
  {
    id: 'revocation.logout_token',
    title: 'A valid logout token → 200 {"revoked": n ≥ 1} and the sub\'s credential stops working at once',
    group: 'revocation', target: 'service', profiles: ['v0.1'],
    spec: { protocol: 'PROTOCOL.md §4', rfc: 'OIDC Back-Channel Logout 1.0 §2.5, §2.8' },
    remedy: 'On a valid logout token revoke every credential issued for (iss, sub, aud) and answer 200 {"revoked": <count>}.',
    async run(ctx) {
      const d = await trusted(ctx);
      const { sub, credential } = await delegation(ctx, d);
      const res = await send(ctx, d, await ctx.shared.issuer.mintLogout(audienceOf(d), sub));
      must(res.status === 200, `wanted 200, got ${brief(res)}`);
      must(typeof res.json?.revoked === 'number' && res.json.revoked >= 1, `revoked is ${JSON.stringify(res.json?.revoked)}; the credential issued for ${sub} should count`);
      const after = await ctx.http.get(api(ctx), { bearer: credential });
      must(after.status === 401, `after the logout token the credential still reads the API: ${brief(after)}`);
      return ok(`revoked ${res.json.revoked}; the credential now gets 401`);
    },
  },
  negative('revocation.bad_typ', 'A logout token with typ "JWT" → 400 invalid_request', { header: { typ: 'JWT' } }, 'invalid_request', 'RFC 8725 §3.11, OIDC Back-Channel Logout 1.0 §2.4'),
  negative('revocation.wrong_audience', 'A logout token for another audience → 400 invalid_audience', { claims: { aud: 'https://other-service.example' } }, 'invalid_audience', 'OIDC Back-Channel Logout 1.0 §2.6 step 3, RFC 7519 §4.1.3'),
  negative('revocation.untrusted_issuer', 'A logout token from an issuer the service does not trust → 400 invalid_issuer', { untrusted: true }, 'invalid_issuer', 'OIDC Back-Channel Logout 1.0 §2.6 step 3'),
  negative('revocation.missing_events', 'A logout token without the events claim → 400 invalid_request', { claims: { events: undefined } }, 'invalid_request', 'OIDC Back-Channel Logout 1.0 §2.4, §2.6 step 4'),
  {
    id: 'revocation.replay',
    title: 'The same logout token (same jti) twice → the second is 400 replay_detected',
    group: 'revocation', target: 'service', profiles: ['v0.1'],
    spec: { protocol: 'PROTOCOL.md §4 (jti not replayed)', rfc: 'OIDC Back-Channel Logout 1.0 §2.6 step 6' },
    remedy: 'Remember each logout token jti until it could no longer pass (exp + skew) and refuse a second use with replay_detected.',
    async run(ctx) {
      const d = await trusted(ctx);
      const { sub } = await delegation(ctx, d);
      const token = await ctx.shared.issuer.mintLogout(audienceOf(d), sub);
      const first = await send(ctx, d, token);
      must(first.status === 200, `the first delivery was refused: ${brief(first)}`);
      // A fresh credential for the same sub: a replayed token must not revoke it.
      const { credential } = await (async () => {
        const res = await present(ctx, d, await ctx.shared.issuer.mint(audienceOf(d), { claims: { sub } }));
        if (res.status !== 200) fail(`re-registering ${sub} after the logout → ${brief(res)}`);
        return res.json as { credential: string };
      })();
      expectError(await send(ctx, d, token), 400, 'replay_detected', 'the replayed logout token');
      await stillWorks(ctx, credential, 'the replayed logout token');
    },
  },
];
