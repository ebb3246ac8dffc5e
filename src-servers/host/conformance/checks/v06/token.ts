import { GRANT_TYPE_JWT_BEARER } from '../../../../protocol/constants.js';
import { GRANT_TYPE_CLAIM, PREFIX_V06 } from '../../../../protocol/v0.6/constants.js';
import { parseWwwAuthenticate } from '../../../../agent/discovery.js';
import { brief } from '../../http.js';
import { endpoint06, type CheckContext } from '../../context.js';
import { info, must, ok, type Check } from '../../types.js';
import { expectError } from '../expect.js';
import { anonymous06, api, expectNoStore, expectTokenError, token } from './support.js';

/** PROTOCOL-v0.6.md §5 (token endpoint, RFC 6749 §5 envelopes) and §1 (the RS with those tokens). */

const P = ['v0.6'] as const;

/** The anonymous registration's assertion exchanged once (jwt-bearer): the pre-claim access token. */
function preClaimToken(ctx: CheckContext, owner = false): Promise<Record<string, any>> {
  return ctx.shared.memo('a v0.6 pre-claim access token', async () => {
    const reg = await anonymous06(ctx);
    const d = await ctx.shared.discovered(ctx.http);
    const res = await token(ctx, d, { grant_type: GRANT_TYPE_JWT_BEARER, assertion: reg.identity_assertion });
    must(res.status === 200 && typeof res.json?.access_token === 'string', `jwt-bearer with the anonymous assertion → ${brief(res)}`);
    expectNoStore(res, 'the token answer');
    return res.json;
  }, owner);
}

export const tokenChecks06: Check<CheckContext>[] = [
  {
    id: 'resource.unauthorized',
    title: 'GET /api/resource without a credential: the 401 body is {"error":"unauthorized","message"}',
    group: 'resource', target: 'service', profiles: P,
    spec: { protocol: 'PROTOCOL-v0.6.md §1, §10 (unauthorized)', rfc: 'RFC 6750 §3' },
    async run(ctx) {
      expectError(await ctx.http.get(api(ctx)), 401, 'unauthorized', 'no credential');
    },
  },
  {
    id: 'token.jwt_bearer',
    title: 'jwt-bearer with the service assertion → 200 Bearer access token, pre-claim scope, no refresh token, no-store',
    group: 'token', target: 'service', profiles: P,
    spec: { protocol: 'PROTOCOL-v0.6.md §5 (jwt-bearer)', rfc: 'RFC 7523 §2.1, RFC 6749 §5.1' },
    async run(ctx) {
      const t = await preClaimToken(ctx, true);
      must(/^bearer$/i.test(String(t.token_type)), `token_type is ${JSON.stringify(t.token_type)}`);
      must(Number.isInteger(t.expires_in) && t.expires_in > 0, `expires_in is ${JSON.stringify(t.expires_in)}`);
      must(t.scope === 'api.read', `scope is ${JSON.stringify(t.scope)}; an unclaimed anonymous registration gets api.read`);
      must(!('refresh_token' in t), 'the answer carries a refresh_token (never, PROTOCOL-v0.6.md §5)');
      if (!String(t.access_token).startsWith(PREFIX_V06.accessToken)) return info(`the access token does not start with ${PREFIX_V06.accessToken} (PROTOCOL-v0.6.md §5 shows it; opaque to agents)`);
    },
  },
  {
    id: 'resource.read',
    title: 'The pre-claim access token reads the resource: user null, credential {scope, source "anonymous", registration_id}',
    group: 'resource', target: 'service', profiles: P,
    spec: { protocol: 'PROTOCOL-v0.6.md §1 (GET /api/resource)', rfc: 'RFC 6750 §2.1' },
    async run(ctx) {
      const t = await preClaimToken(ctx);
      const reg = await anonymous06(ctx);
      const res = await ctx.http.get(api(ctx), { bearer: t.access_token });
      must(res.status === 200, `GET with the access token → ${brief(res)}`);
      const c = res.json?.credential ?? {};
      must(res.json?.user === null, `user is ${JSON.stringify(res.json?.user)}, not null for an unclaimed anonymous registration`);
      must(Array.isArray(c.scope) && c.scope.includes('api.read'), `credential.scope is ${JSON.stringify(c.scope)}, not an array with api.read`);
      must(c.source === 'anonymous' && c.registration_id === reg.registration_id, `credential.source/registration_id are ${JSON.stringify(c.source)}/${JSON.stringify(c.registration_id)}`);
    },
  },
  {
    id: 'resource.insufficient_scope',
    title: '(beyond) A pre-claim token writing → 403 insufficient_scope with scope="api.write"',
    group: 'resource', target: 'service', profiles: P,
    spec: { protocol: 'PROTOCOL-v0.6.md §1 (POST /api/resource, beyond)', rfc: 'RFC 6750 §3.1' },
    async run(ctx) {
      const t = await preClaimToken(ctx);
      const res = await ctx.http.post(api(ctx), { bearer: t.access_token, json: { note: 'conformance' } });
      if (res.status === 404 || res.status === 405) return info(`no write endpoint (POST → ${res.status}); the reference has none — a rule we add`);
      expectError(res, 403, 'insufficient_scope', 'POST /api/resource with api.read only');
      const c = parseWwwAuthenticate(res.headers.get('www-authenticate'));
      must(c?.params.error === 'insufficient_scope' && (c.params.scope ?? '').split(' ').includes('api.write'), `WWW-Authenticate is ${JSON.stringify(res.headers.get('www-authenticate'))}`);
    },
  },
  {
    id: 'token.claim_pending',
    title: 'The claim grant before anyone confirmed → 400 authorization_pending',
    group: 'token', target: 'service', profiles: P,
    spec: { protocol: 'PROTOCOL-v0.6.md §5 (claim grant)', rfc: 'RFC 8628 §3.5' },
    async run(ctx) {
      const reg = await anonymous06(ctx);
      const d = await ctx.shared.discovered(ctx.http);
      expectTokenError(await token(ctx, d, { grant_type: GRANT_TYPE_CLAIM, claim_token: reg.claim_token }), 'authorization_pending', 'claim grant while unclaimed');
    },
  },
  {
    id: 'token.claim_unknown',
    title: 'The claim grant with an unknown claim token → 400 expired_token',
    group: 'token', target: 'service', profiles: P,
    spec: { protocol: 'PROTOCOL-v0.6.md §5 (claim grant)', rfc: 'RFC 8628 §3.5' },
    async run(ctx) {
      const d = await ctx.shared.discovered(ctx.http);
      expectTokenError(await token(ctx, d, { grant_type: GRANT_TYPE_CLAIM, claim_token: 'clm_conformance_unknown_0000000' }), 'expired_token', 'claim grant with an unknown claim_token');
    },
  },
  {
    id: 'token.unsupported_grant_type',
    title: 'An unknown or missing grant_type → 400 unsupported_grant_type',
    group: 'token', target: 'service', profiles: P,
    spec: { protocol: 'PROTOCOL-v0.6.md §5', rfc: 'RFC 6749 §5.2' },
    async run(ctx) {
      const d = await ctx.shared.discovered(ctx.http);
      expectTokenError(await token(ctx, d, { grant_type: 'password', username: 'x', password: 'y' }), 'unsupported_grant_type', 'grant_type=password');
      expectTokenError(await token(ctx, d, {}), ['unsupported_grant_type', 'invalid_request'], 'no grant_type');
    },
  },
  {
    id: 'token.foreign_assertion',
    title: 'jwt-bearer with an ID-JAG not signed by the service (a provider\'s) → 400 invalid_grant',
    group: 'token', target: 'service', profiles: P,
    spec: { protocol: 'PROTOCOL-v0.6.md §5 ("Only the service\'s own assertion is accepted")', rfc: 'RFC 7523 §3.1' },
    async run(ctx) {
      const d = await ctx.shared.discovered(ctx.http);
      const jwt = await ctx.shared.issuer.mint(typeof d.as.issuer === 'string' ? d.as.issuer : d.asUrl, { claims: { auth_time: Math.floor(Date.now() / 1000) } });
      expectTokenError(await token(ctx, d, { grant_type: GRANT_TYPE_JWT_BEARER, assertion: jwt }), 'invalid_grant', 'a provider ID-JAG at jwt-bearer');
      expectTokenError(await token(ctx, d, { grant_type: GRANT_TYPE_JWT_BEARER, assertion: 'not-a-jwt' }), 'invalid_grant', 'a non-JWT assertion');
      expectTokenError(await token(ctx, d, { grant_type: GRANT_TYPE_JWT_BEARER }), 'invalid_request', 'no assertion');
    },
  },
  {
    id: 'token.revoke',
    title: 'RFC 7009 revocation: the access token stops reading the API; an unknown token still gets 200',
    group: 'token', target: 'service', profiles: P,
    spec: { protocol: 'PROTOCOL-v0.6.md §5 (POST /oauth2/revoke)', rfc: 'RFC 7009 §2.1, §2.2' },
    async run(ctx) {
      const reg = await anonymous06(ctx);
      const d = await ctx.shared.discovered(ctx.http);
      const t = await token(ctx, d, { grant_type: GRANT_TYPE_JWT_BEARER, assertion: reg.identity_assertion });
      must(t.status === 200, `a second exchange of the assertion → ${brief(t)}`);
      const url = endpoint06(d, 'revocation_endpoint');
      const form = (f: Record<string, string>) => ctx.http.post(url, { body: new URLSearchParams(f).toString(), contentType: 'application/x-www-form-urlencoded' });
      const res = await form({ token: t.json.access_token, token_type_hint: 'access_token' });
      must(res.status === 200, `POST ${url} → ${brief(res)}`);
      const after = await ctx.http.get(api(ctx), { bearer: t.json.access_token });
      must(after.status === 401, `the revoked token still reads the API: ${brief(after)}`);
      const unknown = await form({ token: 'at_conformance_unknown' });
      must(unknown.status === 200, `an unknown token → ${brief(unknown)} (RFC 7009 §2.2: 200)`);
      return ok('revoked; the token gets 401; an unknown token gets 200');
    },
  },
];
