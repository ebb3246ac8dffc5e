import { randomUUID } from 'node:crypto';
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify, type JSONWebKeySet } from 'jose';
import { ID_JAG_TYP } from '../../../protocol/constants.js';
import { brief } from '../http.js';
import type { CheckContext } from '../context.js';
import { fail, must, ok, skip, warn, type Check } from '../types.js';

/** PROTOCOL.md §6: the provider's documents and its ID-JAGs, judged as a service would judge them. */

/** The longest ID-JAG lifetime PROTOCOL.md §6 allows a provider (exp ≤ iat + 300). */
const MAX_LIFETIME_S = 300;
/** PROTOCOL-v0.6.md §2 check 12: how far in the future a service lets auth_time be (clockSkewSeconds). */
const AUTH_TIME_SKEW_S = 60;

interface ProviderDocs {
  base: string;
  issuer: string;
  jwksUri: string;
  jwks: JSONWebKeySet;
  /** Whether it publishes an OpenID configuration (else the conventional JWKS path is used). */
  metadata: boolean;
}

export function providerDocs(ctx: CheckContext, owner = false): Promise<ProviderDocs> {
  const base = ctx.opts.providerUrl;
  if (!base) skip('no --provider URL given');
  return ctx.shared.memo('the provider\'s metadata and JWKS', async () => {
    const confUrl = `${base}/.well-known/openid-configuration`;
    const conf = await ctx.http.get(confUrl);
    // PROTOCOL.md §2 row 4: with no metadata at all (404/410), services use <iss>/.well-known/jwks.json.
    if (conf.status !== 200 && conf.status !== 404 && conf.status !== 410) fail(`GET ${confUrl} → ${brief(conf)}`);
    const published = conf.status === 200 && conf.json && typeof conf.json === 'object';
    const jwksUri = published && typeof conf.json.jwks_uri === 'string' ? conf.json.jwks_uri : `${base}/.well-known/jwks.json`;
    const jwks = await ctx.http.get(jwksUri);
    if (jwks.status !== 200 || !Array.isArray(jwks.json?.keys)) fail(`GET ${jwksUri} → ${brief(jwks)}`);
    return { base, issuer: published ? conf.json.issuer : base, jwksUri, jwks: jwks.json, metadata: Boolean(published) };
  }, owner);
}

/** A signed-in session for the seeded user (PROTOCOL.md §6 POST /login, the bundled provider's mock sign-in). */
export function session(ctx: CheckContext): Promise<string> {
  const base = ctx.opts.providerUrl;
  if (!base) skip('no --provider URL given');
  return ctx.shared.memo('a provider session', async () => {
    const res = await ctx.http.post(`${base}/login`, { json: { email: ctx.opts.providerUser } });
    if (res.status !== 200 || typeof res.json?.session_token !== 'string') fail(`POST ${base}/login → ${brief(res)}`);
    return res.json.session_token as string;
  });
}

export const providerChecks: Check<CheckContext>[] = [
  {
    id: 'provider.jwks',
    title: 'The provider publishes its issuer and public signing keys (each with a kid, no private part)',
    group: 'provider', target: 'provider', profiles: ['v0.1', 'v0.6'],
    spec: { protocol: 'PROTOCOL.md §6', rfc: 'OIDC Discovery §3, RFC 7517 §5' },
    async run(ctx) {
      const d = await providerDocs(ctx, true);
      must(d.issuer === d.base, `openid-configuration issuer is ${JSON.stringify(d.issuer)}, not the provider URL ${d.base} (OIDC Discovery §4.3)`);
      must(d.jwks.keys.length > 0, 'the JWKS has no keys');
      for (const k of d.jwks.keys) {
        must(typeof k.kid === 'string', `a key has no kid: ${JSON.stringify(k)}`);
        must(!('d' in k), `key ${k.kid} publishes its private part "d"`);
      }
      const res = await ctx.http.get(d.jwksUri);
      if (!d.metadata) return warn(`no OpenID configuration (${d.base}/.well-known/openid-configuration → 404); services find the keys only by the conventional ${d.jwksUri}`);
      if (!/max-age=\d+/.test(res.headers.get('cache-control') ?? '')) return warn('the JWKS response has no Cache-Control max-age; services will refetch on their own schedule');
    },
  },
  {
    id: 'provider.cimd',
    title: 'The CIMD document names itself as client_id and the issuer\'s jwks_uri',
    group: 'provider', target: 'provider', profiles: ['v0.1', 'v0.6'],
    spec: { protocol: 'PROTOCOL.md §6, §2 (client_id row)', rfc: 'draft-ietf-oauth-client-id-metadata-document §3' },
    async run(ctx) {
      const d = await providerDocs(ctx);
      const url = `${d.base}/agent-auth.json`;
      const res = await ctx.http.get(url);
      must(res.status === 200 && res.json, `GET ${url} → ${brief(res)}`);
      must(res.json.client_id === url, `client_id is ${JSON.stringify(res.json.client_id)}, not the document's URL ${url}`);
      must(res.json.jwks_uri === d.jwksUri, `jwks_uri is ${JSON.stringify(res.json.jwks_uri)}, not the issuer's ${d.jwksUri}: services refuse its ID-JAGs with invalid_client_id`);
    },
  },
  {
    id: 'provider.consent_required',
    title: 'No ID-JAG is minted for an audience the user has not consented to → 403 consent_required',
    group: 'provider', target: 'provider', profiles: ['v0.1', 'v0.6'],
    spec: { protocol: 'PROTOCOL.md §6 (POST /id-jag)' },
    async run(ctx) {
      const token = await session(ctx);
      const res = await ctx.http.post(`${ctx.opts.providerUrl}/id-jag`, { bearer: token, json: { audience: `https://unconsented-${randomUUID().slice(0, 8)}.example` } });
      must(res.status === 403 && res.json?.error === 'consent_required', `wanted 403 consent_required, got ${brief(res)}`);
    },
  },
  {
    id: 'provider.id_jag_shape',
    title: 'Minted ID-JAGs verify with the JWKS, carry typ oauth-id-jag+jwt, the audience, exp ≤ iat + 300, a fresh jti and a numeric auth_time not in the future',
    group: 'provider', target: 'provider', profiles: ['v0.1', 'v0.6'],
    spec: { protocol: 'PROTOCOL.md §6 (ID-JAG), PROTOCOL-v0.6.md §6', rfc: 'draft-ietf-oauth-identity-assertion-authz-grant §3, RFC 8725 §3.11, OIDC Core §2 (auth_time)' },
    async run(ctx) {
      const d = await providerDocs(ctx);
      const token = await session(ctx);
      const audience = `https://conformance-${randomUUID().slice(0, 8)}.example`;
      const grant = await ctx.http.post(`${d.base}/grants`, { bearer: token, json: { audience, mode: 'always' } });
      must(grant.status === 201, `POST /grants → ${brief(grant)}`);
      const jtis = new Set<string>();
      let withoutAuthTime = false;
      for (let i = 0; i < 2; i++) {
        const res = await ctx.http.post(`${d.base}/id-jag`, { bearer: token, json: { audience } });
        must(res.status === 200 && typeof res.json?.assertion === 'string', `POST /id-jag → ${brief(res)}`);
        const header = decodeProtectedHeader(res.json.assertion);
        must(header.typ === ID_JAG_TYP, `header typ is ${JSON.stringify(header.typ)}, not ${ID_JAG_TYP}`);
        let claims;
        try {
          ({ payload: claims } = await jwtVerify(res.json.assertion, createLocalJWKSet(d.jwks), { issuer: d.issuer, audience, typ: ID_JAG_TYP }));
        } catch (err) {
          fail(`the ID-JAG does not verify with ${d.jwksUri} as issuer ${d.issuer} for ${audience}: ${(err as Error).message}`);
        }
        for (const c of ['sub', 'client_id', 'jti', 'iat', 'exp'] as const) must(claims[c] !== undefined, `the ID-JAG has no ${c}`);
        must(claims.exp! - claims.iat! <= MAX_LIFETIME_S, `exp − iat is ${claims.exp! - claims.iat!} s, over ${MAX_LIFETIME_S}`);
        must(!jtis.has(claims.jti!), `two mints share jti ${claims.jti}`);
        jtis.add(claims.jti!);
        // PROTOCOL-v0.6.md §6: always present (optional in v0.1, PROTOCOL.md §6); a v0.6 service answers
        // 401 login_required to one missing, not a number, or in the future (§2 check 12).
        if (claims.auth_time === undefined && ctx.opts.profile === 'v0.1') withoutAuthTime = true;
        else {
          must(typeof claims.auth_time === 'number' && Number.isFinite(claims.auth_time), `auth_time is ${JSON.stringify(claims.auth_time)}, not a number of seconds: a v0.6 service answers 401 login_required`);
          const ahead = claims.auth_time - Math.min(claims.iat!, Math.floor(Date.now() / 1000));
          must(ahead <= AUTH_TIME_SKEW_S, `auth_time ${claims.auth_time} is ${ahead} s in the future (the sign-in cannot follow the mint): a v0.6 service answers 401 login_required`);
        }
      }
      if (withoutAuthTime) return warn(`the ID-JAGs carry no auth_time: optional in v0.1, but a v0.6 service answers 401 login_required to them (PROTOCOL-v0.6.md §6)`);
      return ok(`two ID-JAGs for ${audience} verified, distinct jti`);
    },
  },
];
