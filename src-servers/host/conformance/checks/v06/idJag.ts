import { randomUUID } from 'node:crypto';
import { GRANT_TYPE_JWT_BEARER } from '../../../../protocol/constants.js';
import { brief, type Res } from '../../http.js';
import type { CheckContext, Discovered } from '../../context.js';
import type { MintOptions } from '../../issuer.js';
import { fail, info, must, ok, warn, type Check, type Verdict } from '../../types.js';
import { expectError } from '../expect.js';
import { expectAgentAuth401, expectCeremony } from './registration.js';
import { mint06, presentIdJag, signIn, token, trusted06 } from './support.js';

/**
 * PROTOCOL-v0.6.md §2 ID-JAG rows, each with one flaw. A row the reference answers with another
 * code is marked there **Quirk:** — from a peer that is a WARNING, not a FAILURE; a row marked
 * (beyond) is ours alone, so a peer that accepts the token gets INFO.
 */

const P = ['v0.6'] as const;
const SPEC = 'PROTOCOL-v0.6.md §2 (ID-JAG checks';

interface Leeway {
  /** The code the reference sends instead (PROTOCOL-v0.6.md **Quirk:**). */
  quirk?: string;
  /** The rule is (beyond): a peer that accepts the token is INFO. */
  beyond?: boolean;
}

/** SUCCESS on the documented code; WARNING on the documented quirk; INFO when a (beyond) rule is not enforced. */
export function judge(res: Res, status: number, code: string, what: string, leeway: Leeway = {}): Verdict | void {
  if (leeway.quirk && res.status === 400 && res.json?.error === leeway.quirk)
    return warn(`${what}: answered 400 ${leeway.quirk}, the reference's quirk (PROTOCOL-v0.6.md **Quirk:**); the contract's code is ${code}`);
  if (leeway.beyond && res.status === 200) return info(`${what}: accepted — this rule is one we add (beyond); the reference does not enforce it`);
  expectError(res, status, code, what);
}

function negative(id: string, title: string, row: string, flaw: MintOptions | ((d: Discovered) => MintOptions), status: number, code: string, rfc?: string, leeway: Leeway = {}): Check<CheckContext> {
  return {
    id, title, group: 'id-jag', target: 'service', profiles: P,
    spec: { protocol: `${SPEC}, ${row})`, rfc },
    remedy: `Refuse this ID-JAG with ${status} ${code} before registering anything.`,
    async run(ctx) {
      const d = await trusted06(ctx);
      const opts = typeof flaw === 'function' ? flaw(d) : flaw;
      return judge(await presentIdJag(ctx, d, await mint06(ctx, d, opts)), status, code, title, leeway);
    },
  };
}

export const idJagChecks06: Check<CheckContext>[] = [
  negative('idjag.untrusted_issuer', 'An ID-JAG from an issuer the service does not trust → 400 invalid_issuer', 'row 1', { untrusted: true }, 400, 'invalid_issuer', 'draft-ietf-oauth-identity-assertion-authz-grant §4'),
  {
    id: 'idjag.accepted',
    title: 'A valid ID-JAG → 200 with a service assertion that exchanges (jwt-bearer) for an access token reading the API',
    group: 'id-jag', target: 'service', profiles: P,
    spec: { protocol: 'PROTOCOL-v0.6.md §2 (clean match), §5 (jwt-bearer)', rfc: 'RFC 7523 §2.1' },
    async run(ctx) {
      const d = await trusted06(ctx, true);
      const res = await presentIdJag(ctx, d, await mint06(ctx, d));
      must(res.status === 200, `wanted 200, got ${brief(res)}`);
      const b = res.json ?? {};
      must(b.registration_type === 'identity_assertion' && typeof b.identity_assertion === 'string', `registration_type/identity_assertion: ${JSON.stringify(Object.keys(b))}`);
      for (const f of ['access_token', 'credential', 'refresh_token']) must(!(f in b), `the answer carries ${f}`);
      const t = await token(ctx, d, { grant_type: GRANT_TYPE_JWT_BEARER, assertion: b.identity_assertion });
      must(t.status === 200 && typeof t.json?.access_token === 'string', `the jwt-bearer exchange → ${brief(t)}`);
      const me = await ctx.http.get(`${ctx.opts.serviceUrl.replace(/\/+$/, '')}/api/resource`, { bearer: t.json.access_token });
      must(me.status === 200, `the access token does not read the API: ${brief(me)}`);
      return ok(`registered as ${b.registration_id}; token scope "${t.json.scope}" reads the API`);
    },
  },
  {
    id: 'idjag.login_required_missing',
    title: 'An ID-JAG without auth_time → 401 login_required with an AgentAuth challenge and max_age',
    group: 'id-jag', target: 'service', profiles: P,
    spec: { protocol: `${SPEC}, row 12)`, rfc: 'OpenID Connect Core 1.0 §3.1.2.1 (max_age), RFC 9470 §3' },
    async run(ctx) {
      const d = await trusted06(ctx);
      const res = await presentIdJag(ctx, d, await mint06(ctx, d, { claims: { auth_time: undefined } }));
      expectAgentAuth401(res, 'login_required', 'no auth_time');
      must(Number.isInteger(res.json?.max_age), `the body's max_age is ${JSON.stringify(res.json?.max_age)}, not an integer`);
    },
  },
  {
    id: 'idjag.login_required_stale',
    title: 'An ID-JAG whose auth_time is two hours old → 401 login_required',
    group: 'id-jag', target: 'service', profiles: P,
    spec: { protocol: `${SPEC}, row 12)`, rfc: 'RFC 9470 §3 (max_age)' },
    async run(ctx) {
      const d = await trusted06(ctx);
      const res = await presentIdJag(ctx, d, await mint06(ctx, d, { claims: { auth_time: Math.floor(Date.now() / 1000) - 7200 } }));
      expectAgentAuth401(res, 'login_required', 'auth_time two hours old');
      const c = res.headers.get('www-authenticate') ?? '';
      if (!/max_age="?\d+/.test(c)) return warn(`the AgentAuth challenge has no max_age: ${c}`);
    },
  },
  {
    id: 'idjag.interaction_required',
    title: 'An ID-JAG whose verified email is an existing account\'s → 401 interaction_required with a claim block (step-up), not a silent link',
    group: 'id-jag', target: 'service', profiles: P,
    spec: { protocol: 'PROTOCOL-v0.6.md §2 (step-up), §3', rfc: 'OpenID Connect Core 1.0 §3.1.2.6 (interaction_required)' },
    remedy: 'When an ID-JAG matches an account by email only, answer 401 interaction_required with claim_url, claim_token and the ceremony block, and bind nothing until the account holder confirms.',
    async run(ctx) {
      const d = await trusted06(ctx);
      const email = `conformance-stepup-${randomUUID().slice(0, 8)}@example.com`;
      await signIn(ctx, d, email);
      const res = await presentIdJag(ctx, d, await mint06(ctx, d, { claims: { email, email_verified: true, sub: `conformance-stepup-${randomUUID().slice(0, 8)}` } }));
      if (res.status === 200) fail(`the ID-JAG was linked to the existing account ${email} without the holder's confirmation: ${brief(res)}`);
      expectAgentAuth401(res, 'interaction_required', 'email match with an existing account');
      for (const f of ['registration_id', 'claim_url', 'claim_token']) must(typeof res.json?.[f] === 'string', `the step-up answer lacks ${f}`);
      expectCeremony(res.json.claim, 'claim');
    },
  },
  {
    id: 'idjag.replay',
    title: 'The same ID-JAG (same jti) twice → 400 replay_detected',
    group: 'id-jag', target: 'service', profiles: P,
    spec: { protocol: `${SPEC}, row 10)`, rfc: 'RFC 7523 §3 item 7' },
    async run(ctx) {
      const d = await trusted06(ctx);
      const jwt = await mint06(ctx, d);
      const first = await presentIdJag(ctx, d, jwt);
      if (first.status !== 200) fail(`the first presentation was refused: ${brief(first)}`);
      expectError(await presentIdJag(ctx, d, jwt), 400, 'replay_detected', 'second presentation');
    },
  },
  {
    id: 'idjag.tampered_signature',
    title: 'An ID-JAG whose payload was changed after signing → 400 invalid_signature',
    group: 'id-jag', target: 'service', profiles: P,
    spec: { protocol: `${SPEC}, row 3)`, rfc: 'RFC 7515 §5.2' },
    async run(ctx) {
      const d = await trusted06(ctx);
      const [h, , s] = (await mint06(ctx, d)).split('.');
      const [, p] = (await mint06(ctx, d, { claims: { sub: 'someone-else' } })).split('.');
      expectError(await presentIdJag(ctx, d, `${h}.${p}.${s}`), 400, 'invalid_signature', 'payload swapped under a signature');
    },
  },
  negative('idjag.typ_confusion', 'An ID-JAG with typ "JWT" → 400 invalid_request', 'row 2', { header: { typ: 'JWT' } }, 400, 'invalid_request', 'RFC 8725 §3.11'),
  negative('idjag.typ_missing', 'An ID-JAG with no typ → 400 invalid_request', 'row 2', { header: { typ: undefined } }, 400, 'invalid_request', 'RFC 8725 §3.11', { quirk: 'expired' }),
  negative('idjag.alg_none', 'An unsigned ID-JAG (alg "none") → 400 invalid_signature', 'row 3', { header: { alg: 'none', kid: undefined } }, 400, 'invalid_signature', 'RFC 8725 §3.1'),
  negative('idjag.expired', 'An ID-JAG expired 10 minutes ago → 400 expired', 'row 5', () => ({ claims: { iat: Math.floor(Date.now() / 1000) - 1200, exp: Math.floor(Date.now() / 1000) - 600 } }), 400, 'expired', 'RFC 7519 §4.1.4'),
  negative('idjag.wrong_audience', 'An ID-JAG for another audience → 400 invalid_audience', 'row 6', { claims: { aud: 'https://other-service.example' } }, 400, 'invalid_audience', 'RFC 7523 §3 item 3', { quirk: 'expired' }),
  negative('idjag.resource_mismatch', '(beyond) An ID-JAG whose resource is not the PRM resource → 400 invalid_audience', 'row 7', { claims: { resource: 'https://other-service.example/api/' } }, 400, 'invalid_audience', 'RFC 8707 §2', { beyond: true }),
  negative('idjag.missing_client_id', '(beyond) An ID-JAG without client_id → 400 invalid_client_id', 'row 8', { claims: { client_id: undefined } }, 400, 'invalid_client_id', 'draft-ietf-oauth-identity-assertion-authz-grant §3', { beyond: true }),
  negative('idjag.missing_sub', 'An ID-JAG without sub → 400 invalid_request', 'row 9', { claims: { sub: undefined } }, 400, 'invalid_request', 'RFC 7523 §3 item 2'),
  negative('idjag.missing_jti', 'An ID-JAG without jti → 400 invalid_request', 'row 9', { claims: { jti: undefined } }, 400, 'invalid_request'),
  negative('idjag.unverified_email', 'An ID-JAG with email_verified false → 400 missing_verified_email', 'row 11', { claims: { email_verified: false } }, 400, 'missing_verified_email'),
  negative('idjag.truthy_email_verified', '(beyond) An ID-JAG with email_verified "yes" (not true) → 400 missing_verified_email', 'row 11', { claims: { email_verified: 'yes' } }, 400, 'missing_verified_email', undefined, { beyond: true }),
];
