import { decodeProtectedHeader, decodeJwt } from 'jose';
import { ID_JAG_TYP } from '../../../../protocol/constants.js';
import { PREFIX_V06 } from '../../../../protocol/v0.6/constants.js';
import { parseWwwAuthenticate } from '../../../../agent/discovery.js';
import { brief, type Res } from '../../http.js';
import { endpoint06, type CheckContext } from '../../context.js';
import { fail, must, ok, skip, type Check } from '../../types.js';
import { expectError } from '../expect.js';
import { aud06, anonymous06, identity, offers06 } from './support.js';

/** PROTOCOL-v0.6.md §2: the three registration bodies and their answers. */

const P = ['v0.6'] as const;
const isIso = (v: unknown) => typeof v === 'string' && /^\d{4}-\d\d-\d\dT/.test(v) && !Number.isNaN(Date.parse(v));

/** The ceremony block (§3): a 6-digit user_code, whole-second expires_in and interval, a verification_uri. */
export function expectCeremony(block: any, where: string): void {
  must(block && typeof block === 'object', `${where}: no claim ceremony block`);
  must(/^\d{6}$/.test(String(block.user_code)), `${where}: user_code is ${JSON.stringify(block.user_code)}, not 6 digits`);
  must(Number.isInteger(block.expires_in) && block.expires_in > 0, `${where}: expires_in is ${JSON.stringify(block.expires_in)}`);
  must(Number.isInteger(block.interval) && block.interval > 0, `${where}: interval is ${JSON.stringify(block.interval)}`);
  must(typeof block.verification_uri === 'string' && URL.canParse(block.verification_uri), `${where}: verification_uri is missing or not absolute`);
}

/** The AgentAuth challenge of the two 401s (§2): the header names the same error as the body. */
export function expectAgentAuth401(res: Res, code: string, what: string): void {
  // PROTOCOL-v0.6.md preamble: these two 401s carry error_description (RFC 6749 §5.2 style), not message.
  if (res.status >= 500) fail(`${what}: answered ${brief(res)} — a 5xx; wanted 401 ${code}`);
  must(res.status === 401 && res.json?.error === code, `${what}: wanted 401 ${code}, got ${res.status} ${res.json?.error ?? '(no error code)'} — ${brief(res)}`);
  must(/^application\/json/i.test(res.contentType), `${what}: the answer is ${res.contentType || 'untyped'}, not application/json`);
  must(typeof res.json.error_description === 'string' && res.json.error_description, `${what}: the body has no error_description — ${brief(res)}`);
  const c = parseWwwAuthenticate(res.headers.get('www-authenticate'));
  must(c && /^agentauth$/i.test(c.scheme), `${what}: WWW-Authenticate is ${JSON.stringify(res.headers.get('www-authenticate'))}, not an AgentAuth challenge`);
  must(c.params.error === code, `${what}: WWW-Authenticate error is ${JSON.stringify(c.params.error)}, not "${code}"`);
}

export const registrationChecks06: Check<CheckContext>[] = [
  {
    id: 'registration.anonymous',
    title: 'Anonymous registration answers a service-signed identity assertion, pre-claim scopes and a claim token — no access token',
    group: 'registration', target: 'service', profiles: P,
    spec: { protocol: 'PROTOCOL-v0.6.md §2 (anonymous, service-signed identity_assertion)', rfc: 'RFC 7519 §4.1, RFC 8725 §3.11' },
    async run(ctx) {
      const reg = await anonymous06(ctx, true);
      const d = await ctx.shared.discovered(ctx.http);
      const missing = ['registration_id', 'identity_assertion', 'claim_url', 'claim_token'].filter((f) => typeof reg[f] !== 'string');
      must(missing.length === 0, `the answer lacks ${missing.join(', ')}: ${JSON.stringify(Object.keys(reg))}`);
      must(reg.registration_type === 'anonymous', `registration_type is ${JSON.stringify(reg.registration_type)}`);
      must(isIso(reg.assertion_expires) && isIso(reg.claim_token_expires), 'assertion_expires / claim_token_expires are not ISO 8601 times');
      must(JSON.stringify(reg.pre_claim_scopes) === '["api.read"]', `pre_claim_scopes is ${JSON.stringify(reg.pre_claim_scopes)}`);
      must(Array.isArray(reg.post_claim_scopes), 'post_claim_scopes is missing');
      must(URL.canParse(reg.claim_url), `claim_url ${JSON.stringify(reg.claim_url)} is not absolute (PROTOCOL-v0.6.md §2)`);
      for (const f of ['access_token', 'credential', 'refresh_token']) must(!(f in reg), `the answer carries ${f}; v0.6 exchanges the assertion at the token endpoint`);
      must(reg.registration_id.startsWith(PREFIX_V06.registration) && reg.claim_token.startsWith(PREFIX_V06.claimToken), 'registration_id / claim_token lack the reg_ / clm_ prefixes');
      const header = decodeProtectedHeader(reg.identity_assertion);
      const claims = decodeJwt(reg.identity_assertion);
      must(header.alg === 'ES256' && header.typ === ID_JAG_TYP, `the assertion header is ${JSON.stringify(header)}; §2 has alg ES256, typ ${ID_JAG_TYP}`);
      must(claims.iss === aud06(d) && claims.aud === aud06(d), `the assertion's iss/aud are ${JSON.stringify(claims.iss)}/${JSON.stringify(claims.aud)}; both must be the issuer ${aud06(d)}`);
      must(claims.sub === reg.registration_id, `the assertion's sub is ${JSON.stringify(claims.sub)}, not the registration_id`);
    },
  },
  {
    id: 'registration.service_auth',
    title: 'service_auth with a login_hint → a claim ceremony block, and no identity assertion',
    group: 'registration', target: 'service', profiles: P,
    spec: { protocol: 'PROTOCOL-v0.6.md §2 (service_auth), §3 (ceremony block)', rfc: 'OpenID CIBA Core 1.0 §7.1 (login_hint), RFC 8628 §3.2' },
    async run(ctx) {
      const d = await ctx.shared.discovered(ctx.http);
      if (!offers06(d, 'service_auth')) skip('the service does not advertise service_auth');
      const res = await identity(ctx, d, { type: 'service_auth', login_hint: `conformance+${Date.now().toString(36)}@example.com` });
      must(res.status === 200, `wanted 200, got ${brief(res)}`);
      const b = res.json ?? {};
      must(b.registration_type === 'service_auth', `registration_type is ${JSON.stringify(b.registration_type)}`);
      for (const f of ['registration_id', 'claim_url', 'claim_token']) must(typeof b[f] === 'string', `the answer lacks ${f}`);
      must(!('identity_assertion' in b), 'a service_auth registration carries an identity_assertion before anyone confirmed');
      expectCeremony(b.claim, 'claim');
      return ok(`ceremony started: user_code valid ${b.claim.expires_in} s, poll every ${b.claim.interval} s`);
    },
  },
  {
    id: 'registration.service_auth_bad_hint',
    title: 'service_auth with a login_hint that is not an email → 400 invalid_login_hint',
    group: 'registration', target: 'service', profiles: P,
    spec: { protocol: 'PROTOCOL-v0.6.md §2 (service_auth)', rfc: 'OpenID CIBA Core 1.0 §13 (invalid_request / unknown_user_id family)' },
    async run(ctx) {
      const d = await ctx.shared.discovered(ctx.http);
      if (!offers06(d, 'service_auth')) skip('the service does not advertise service_auth');
      expectError(await identity(ctx, d, { type: 'service_auth', login_hint: 'not an email' }), 400, 'invalid_login_hint', 'login_hint "not an email"');
    },
  },
  {
    id: 'registration.v01_body',
    title: 'The v0.1 verified_email body is not a v0.6 registration → 400 invalid_request',
    group: 'registration', target: 'service', profiles: P,
    spec: { protocol: 'PROTOCOL-v0.6.md §2 ("so is the v0.1 verified_email body"), §11' },
    async run(ctx) {
      const d = await ctx.shared.discovered(ctx.http);
      const res = await identity(ctx, d, { type: 'identity_assertion', assertion_type: 'verified_email', assertion: 'someone@example.com' });
      expectError(res, 400, 'invalid_request', 'the v0.1 verified_email body');
    },
  },
  {
    id: 'claim.start',
    title: 'Starting the claim of an anonymous registration → initiated, with a new attempt and ceremony block',
    group: 'claim', target: 'service', profiles: P,
    spec: { protocol: 'PROTOCOL-v0.6.md §3 (POST /agent/identity/claim)', rfc: 'RFC 8628 §3.2' },
    async run(ctx) {
      const reg = await anonymous06(ctx);
      const d = await ctx.shared.discovered(ctx.http);
      const res = await ctx.http.post(endpoint06(d, 'claim_endpoint'), { json: { claim_token: reg.claim_token, email: 'conformance-claim@example.com' } });
      must(res.status === 200, `wanted 200, got ${brief(res)}`);
      const b = res.json ?? {};
      must(b.status === 'initiated' && b.registration_id === reg.registration_id, `status/registration_id are ${JSON.stringify(b.status)}/${JSON.stringify(b.registration_id)}`);
      must(typeof b.claim_attempt_id === 'string' && b.claim_attempt_id.startsWith(PREFIX_V06.claimAttempt), `claim_attempt_id is ${JSON.stringify(b.claim_attempt_id)}`);
      must(isIso(b.expires_at), `expires_at is ${JSON.stringify(b.expires_at)}`);
      expectCeremony(b.claim_attempt, 'claim_attempt');
    },
  },
  {
    id: 'claim.invalid_token',
    title: 'A claim with an unknown claim token → 401 invalid_claim_token',
    group: 'claim', target: 'service', profiles: P,
    spec: { protocol: 'PROTOCOL-v0.6.md §3' },
    async run(ctx) {
      const d = await ctx.shared.discovered(ctx.http);
      const res = await ctx.http.post(endpoint06(d, 'claim_endpoint'), { json: { claim_token: 'clm_conformance_unknown_0000000', email: 'nobody@example.com' } });
      if (res.status === 200) fail(`an unknown claim token started a ceremony: ${brief(res)}`);
      expectError(res, 401, 'invalid_claim_token', 'unknown claim token');
    },
  },
];
