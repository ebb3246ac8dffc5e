import { randomUUID } from 'node:crypto';
import { GRANT_TYPE_JWT_BEARER } from '../../../../protocol/constants.js';
import { SET_CONTENT_TYPE, SET_TYP } from '../../../../protocol/v0.6/constants.js';
import { brief } from '../../http.js';
import { endpoint06, type CheckContext, type Discovered } from '../../context.js';
import type { MintOptions } from '../../issuer.js';
import { fail, must, ok, warn, type Check } from '../../types.js';
import { api, aud06, expectEventError, mint06, presentIdJag, token, trusted06 } from './support.js';

/**
 * PROTOCOL-v0.6.md §4: SETs (RFC 8417) pushed to the events endpoint (RFC 8935) by the runner's
 * issuer. Failures use the RFC 8935 §2.4 `{err, description}` envelope and revoke nothing.
 */

const P = ['v0.6'] as const;

/** A registration through the runner's issuer for a fresh sub, and the access token it exchanges for. */
async function delegation(ctx: CheckContext, d: Discovered): Promise<{ sub: string; assertion: string; accessToken: string }> {
  const sub = `conformance-set-${randomUUID().slice(0, 8)}`;
  const reg = await presentIdJag(ctx, d, await mint06(ctx, d, { claims: { sub, email: `${sub}@example.com` } }));
  if (reg.status !== 200) fail(`a valid ID-JAG for ${sub} was refused: ${brief(reg)}`);
  const t = await token(ctx, d, { grant_type: GRANT_TYPE_JWT_BEARER, assertion: reg.json.identity_assertion });
  if (t.status !== 200) fail(`exchanging its assertion → ${brief(t)}`);
  return { sub, assertion: reg.json.identity_assertion, accessToken: t.json.access_token };
}

/** A SET for `sub` (RFC 8417 §2.2: typ secevent+jwt, the revoked event, no exp). */
const set = (ctx: CheckContext, d: Discovered, sub: string, opts: MintOptions = {}) =>
  ctx.shared.issuer.mintLogout(aud06(d), sub, { ...opts, header: { typ: SET_TYP, ...opts.header }, claims: { exp: undefined, ...opts.claims } });

const push = (ctx: CheckContext, d: Discovered, body: string, contentType = SET_CONTENT_TYPE) => ctx.http.post(endpoint06(d, 'events_endpoint'), { body, contentType });

async function stillWorks(ctx: CheckContext, accessToken: string, what: string): Promise<void> {
  const res = await ctx.http.get(api(ctx), { bearer: accessToken });
  must(res.status === 200, `${what} was refused, but the access token no longer reads the API: ${brief(res)} — a refused SET must revoke nothing`);
}

function negative(id: string, title: string, flaw: MintOptions, err: string, rfc: string, quirk?: string): Check<CheckContext> {
  return {
    id, title, group: 'events', target: 'service', profiles: P,
    spec: { protocol: 'PROTOCOL-v0.6.md §4 (checks table)', rfc },
    remedy: `Verify the SET before acting; refuse this one with 400 {"err":"${err}","description":…}.`,
    async run(ctx) {
      const d = await trusted06(ctx);
      const { sub, accessToken } = await delegation(ctx, d);
      const res = await push(ctx, d, await set(ctx, d, sub, flaw));
      if (quirk && res.status === 400 && res.json?.err === quirk) {
        await stillWorks(ctx, accessToken, title);
        return warn(`${title}: answered err ${quirk}, the reference's quirk (PROTOCOL-v0.6.md §4 **Quirk:**); the contract's code is ${err}`);
      }
      expectEventError(res, err, title);
      await stillWorks(ctx, accessToken, title);
    },
  };
}

export const eventChecks06: Check<CheckContext>[] = [
  {
    id: 'events.revoked',
    title: 'A valid revoked SET → 202 empty; the sub\'s access token and assertion stop working',
    group: 'events', target: 'service', profiles: P,
    spec: { protocol: 'PROTOCOL-v0.6.md §4', rfc: 'RFC 8935 §2.2, RFC 8417 §2' },
    remedy: 'On a valid SET for (iss, sub, aud) revoke its access tokens, expire its registration and delete the delegation; answer 202 with no body.',
    async run(ctx) {
      const d = await trusted06(ctx);
      const { sub, assertion, accessToken } = await delegation(ctx, d);
      const res = await push(ctx, d, await set(ctx, d, sub));
      must(res.status === 202, `wanted 202, got ${brief(res)}`);
      must(res.text === '', `a 202 with a body: ${brief(res)} (RFC 8935 §2.2)`);
      const me = await ctx.http.get(api(ctx), { bearer: accessToken });
      must(me.status === 401, `after the SET the access token still reads the API: ${brief(me)}`);
      const again = await token(ctx, d, { grant_type: GRANT_TYPE_JWT_BEARER, assertion });
      must(again.status === 400 && again.json?.error === 'invalid_grant', `after the SET the assertion still exchanges: ${brief(again)}`);
      return ok('202; the access token gets 401 and the assertion invalid_grant');
    },
  },
  negative('events.untrusted_issuer', 'A SET from an issuer the service does not trust → 400 invalid_issuer', { untrusted: true }, 'invalid_issuer', 'RFC 8935 §2.4'),
  negative('events.bad_typ', 'A SET with typ "JWT" → 400 authentication_failed', { header: { typ: 'JWT' } }, 'authentication_failed', 'RFC 8417 §2.3, RFC 8725 §3.11'),
  negative('events.wrong_audience', 'A SET for another audience → 400 invalid_audience', { claims: { aud: 'https://other-service.example' } }, 'invalid_audience', 'RFC 8417 §2.2 (aud)', 'authentication_failed'),
  negative('events.missing_events', 'A SET without events → 400 invalid_request', { claims: { events: undefined } }, 'invalid_request', 'RFC 8417 §2.2 (events REQUIRED)'),
  negative('events.events_array', 'A SET whose events is an array → 400 invalid_request', { claims: { events: ['https://schemas.workos.com/events/agent/auth/identity/assertion/revoked'] } }, 'invalid_request', 'RFC 8417 §2.2 (events is a JSON object)'),
  {
    id: 'events.tampered_signature',
    title: 'A SET whose payload was changed after signing → 400 authentication_failed',
    group: 'events', target: 'service', profiles: P,
    spec: { protocol: 'PROTOCOL-v0.6.md §4', rfc: 'RFC 8935 §2.4, RFC 7515 §5.2' },
    async run(ctx) {
      const d = await trusted06(ctx);
      const { sub, accessToken } = await delegation(ctx, d);
      const [h, , s] = (await set(ctx, d, 'someone-else')).split('.');
      const [, p] = (await set(ctx, d, sub)).split('.');
      expectEventError(await push(ctx, d, `${h}.${p}.${s}`), 'authentication_failed', 'payload swapped under a signature');
      await stillWorks(ctx, accessToken, 'the tampered SET');
    },
  },
  {
    id: 'events.replay',
    title: 'The same SET (same jti) twice → the second is 400 invalid_request',
    group: 'events', target: 'service', profiles: P,
    spec: { protocol: 'PROTOCOL-v0.6.md §4 (jti unseen)', rfc: 'RFC 8417 §2.2 (jti), RFC 8935 §2.4' },
    async run(ctx) {
      const d = await trusted06(ctx);
      const { sub } = await delegation(ctx, d);
      const jwt = await set(ctx, d, sub);
      const first = await push(ctx, d, jwt);
      must(first.status === 202, `the first delivery → ${brief(first)}`);
      expectEventError(await push(ctx, d, jwt), 'invalid_request', 'the replayed SET');
    },
  },
  {
    id: 'events.bad_body',
    title: 'An empty body, or one that is not a JWT → 400 invalid_request (never 5xx)',
    group: 'events', target: 'service', profiles: P,
    spec: { protocol: 'PROTOCOL-v0.6.md §4 (first row)', rfc: 'RFC 8935 §2.4' },
    async run(ctx) {
      const d = await ctx.shared.discovered(ctx.http);
      expectEventError(await push(ctx, d, ''), ['invalid_request', 'invalid_issuer'], 'an empty SET body');
      expectEventError(await push(ctx, d, 'not-a-jwt'), ['invalid_request', 'invalid_issuer'], 'a body that is not a JWT');
    },
  },
];
