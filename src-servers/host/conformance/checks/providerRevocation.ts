import { randomUUID } from 'node:crypto';
import { createLocalJWKSet, jwtVerify, type JWTPayload } from 'jose';
import { EVENT_ASSERTION_REVOKED, LOGOUT_TOKEN_CONTENT_TYPE, LOGOUT_TOKEN_TYP } from '../../../protocol/constants.js';
import { GRANT_EVENTS_URI, SET_CONTENT_TYPE, SET_TYP } from '../../../protocol/v0.6/constants.js';
import { brief } from '../http.js';
import type { CheckContext } from '../context.js';
import type { Delivery } from '../issuer.js';
import { fail, must, ok, type Check, type Exchange, type Profile } from '../types.js';
import { providerDocs, session } from './provider.js';

/**
 * The provider withdrawing consent (PROTOCOL.md §6 DELETE /grants/:id, §4; PROTOCOL-v0.6.md §6, §4):
 * the runner plays the service — its own receiver is the grant's revocation_uri (v0.1: a logout
 * token) or events_uri (v0.6: a SET) — and judges what arrives as a service would.
 */

/** The provider sends before it answers the DELETE (PROTOCOL.md §6): a little grace after the answer is enough. */
const GRACE_MS = 2000;

/** What each profile's provider sends: the grant field, the JOSE typ and the media type. */
const WIRE: Record<Profile, { field: string; typ: string; contentType: string; name: string; spec: string }> = {
  'v0.1': { field: 'revocation_uri', typ: LOGOUT_TOKEN_TYP, contentType: LOGOUT_TOKEN_CONTENT_TYPE, name: 'logout token', spec: 'OIDC Back-Channel Logout 1.0 §2.4, §2.5' },
  'v0.6': { field: GRANT_EVENTS_URI, typ: SET_TYP, contentType: SET_CONTENT_TYPE, name: 'SET', spec: 'RFC 8417 §2, RFC 8935 §2' },
};

/** The delivery as an exchange in the evidence: the provider's request to the runner's receiver. */
function asExchange(receiverBase: string, d: Delivery): Exchange {
  return { method: d.method, url: `${new URL(receiverBase).origin}${d.path}`, requestHeaders: d.headers, requestBody: d.body.slice(0, 2000), status: 200, responseHeaders: { 'content-type': 'application/json' }, responseBody: '{"revoked":0}' };
}

/** A grant for a fresh audience (the runner's pretend service) and the mint it allows. */
async function grantFor(ctx: CheckContext, base: string, token: string, body: Record<string, unknown>): Promise<string> {
  const res = await ctx.http.post(`${base}/grants`, { bearer: token, json: body });
  must(res.status === 201 && typeof res.json?.id === 'string', `POST /grants → ${brief(res)}`);
  return res.json.id;
}

const mint = (ctx: CheckContext, base: string, token: string, audience: string) => ctx.http.post(`${base}/id-jag`, { bearer: token, json: { audience } });

function revocationCheck(profile: Profile): Check<CheckContext> {
  const w = WIRE[profile];
  return {
    id: profile === 'v0.1' ? 'provider.revocation_on_delete' : 'provider.set_on_delete',
    title: `Deleting a grant first sends a valid ${w.name} to its ${w.field}, then 204; minting for that audience needs consent again`,
    group: 'provider', target: 'provider', profiles: [profile],
    spec: { protocol: profile === 'v0.1' ? 'PROTOCOL.md §6 (DELETE /grants/:id), §4' : 'PROTOCOL-v0.6.md §6 (DELETE /grants/:id), §4', rfc: w.spec },
    remedy: `On DELETE /grants/:id POST a ${w.name} (typ ${w.typ}, Content-Type ${w.contentType}, signed with the JWKS key; iss, sub, aud = the grant's audience, jti, iat, the revoked event) to the grant's ${w.field} before answering 204.`,
    async run(ctx) {
      const d = await providerDocs(ctx);
      const token = await session(ctx);
      const receiver = ctx.shared.issuer.receiverUrl;
      const audience = `${receiver}/service-${randomUUID().slice(0, 8)}`;
      const target = `${audience}/revoke`;
      const id = await grantFor(ctx, d.base, token, { audience, mode: 'always', [w.field]: target });
      const before = await mint(ctx, d.base, token, audience);
      must(before.status === 200, `with the grant, POST /id-jag → ${brief(before)}`);
      const del = await ctx.http.send('DELETE', `${d.base}/grants/${encodeURIComponent(id)}`, { bearer: token });
      const got = await ctx.shared.issuer.nextDelivery(new URL(target).pathname, GRACE_MS);
      if (got) ctx.http.log.push(asExchange(receiver, got));
      must(del.status === 204, `DELETE /grants/${id} → ${brief(del)}`);
      must(got, `no ${w.name} reached the grant's ${w.field} ${target} by ${GRACE_MS / 1000} s after the DELETE was answered`);
      must(got.method === 'POST', `the ${w.name} came as ${got.method}, not POST`);
      must((got.headers['content-type'] ?? '').toLowerCase().startsWith(w.contentType), `Content-Type is ${JSON.stringify(got.headers['content-type'])}, not ${w.contentType}`);
      let claims: JWTPayload;
      try {
        ({ payload: claims } = await jwtVerify(got.body.trim(), createLocalJWKSet(d.jwks), { issuer: d.issuer, audience, typ: w.typ }));
      } catch (err) {
        fail(`the ${w.name} does not verify with ${d.jwksUri} as issuer ${d.issuer} for ${audience} with typ ${w.typ}: ${(err as Error).message}`);
      }
      for (const c of ['sub', 'jti', 'iat'] as const) must(claims[c] !== undefined, `the ${w.name} has no ${c}`);
      const events = claims.events as Record<string, unknown> | undefined;
      must(events && typeof events === 'object' && !Array.isArray(events) && EVENT_ASSERTION_REVOKED in events, `events is ${JSON.stringify(events)}; it must hold ${EVENT_ASSERTION_REVOKED}`);
      must(!('nonce' in claims), `the ${w.name} carries a nonce (OIDC Back-Channel Logout §2.4 forbids it)`);
      const after = await mint(ctx, d.base, token, audience);
      must(after.status === 403 && after.json?.error === 'consent_required', `after the grant was deleted POST /id-jag should be 403 consent_required, got ${brief(after)}`);
      return ok(`a verified ${w.name} for sub ${claims.sub} arrived before the 204; minting again needs consent`);
    },
  };
}

export const providerRevocationChecks: Check<CheckContext>[] = [
  revocationCheck('v0.1'),
  revocationCheck('v0.6'),
  {
    id: 'provider.consent_once',
    title: 'A "once" grant allows exactly one ID-JAG; the next mint → 403 consent_required',
    group: 'provider', target: 'provider', profiles: ['v0.1', 'v0.6'],
    spec: { protocol: 'PROTOCOL.md §6 (POST /grants mode, POST /id-jag); PROTOCOL-v0.6.md §6', rfc: 'draft-ietf-oauth-identity-assertion-authz-grant §4.3 (the IdP evaluates policy per request)' },
    remedy: 'Consume a mode "once" grant on the first mint and answer the next POST /id-jag with 403 consent_required.',
    async run(ctx) {
      const d = await providerDocs(ctx);
      const token = await session(ctx);
      const audience = `https://conformance-once-${randomUUID().slice(0, 8)}.example`;
      await grantFor(ctx, d.base, token, { audience, mode: 'once' });
      const first = await mint(ctx, d.base, token, audience);
      must(first.status === 200, `the first mint under the once grant → ${brief(first)}`);
      const second = await mint(ctx, d.base, token, audience);
      must(second.status === 403 && second.json?.error === 'consent_required', `a second mint under a used once grant should be 403 consent_required, got ${brief(second)}`);
    },
  },
];
