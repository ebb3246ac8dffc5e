import { TOKEN_TYPE_ID_JAG } from '../../../protocol/constants.js';
import { offers } from '../../../agent/discovery.js';
import { brief } from '../http.js';
import { endpoint, type CheckContext, type Discovered } from '../context.js';
import { trustLine, type MintOptions } from '../issuer.js';
import { fail, must, ok, skip, type Check } from '../types.js';
import { expectError } from './expect.js';

/**
 * The ID-JAG `aud`: the AS issuer (PROTOCOL.md §2 row 6); a service whose metadata omits `issuer`
 * (discovery.as fails for that) is still tested, with authorization_servers[0] as agents use it.
 */
export const audienceOf = (d: Discovered) => (typeof d.as.issuer === 'string' ? d.as.issuer : d.asUrl);

/** POST register_uri with an ID-JAG (PROTOCOL.md §2 identity_assertion + ID-JAG). */
export function present(ctx: CheckContext, d: Discovered, assertion: string) {
  return ctx.http.post(endpoint(d, 'register_uri'), {
    json: { type: 'identity_assertion', assertion_type: TOKEN_TYPE_ID_JAG, assertion, requested_credential_type: 'access_token' },
  });
}

async function idJagOffered(ctx: CheckContext): Promise<Discovered> {
  const d = await ctx.shared.discovered(ctx.http);
  if (!offers(d.as).idJag) skip('the service does not advertise ID-JAG registration');
  return d;
}

/**
 * Whether the service trusts the runner's issuer: a valid ID-JAG from it is presented once per
 * run. `invalid_issuer` means "not configured yet" — every negative check is SKIPPED with the line to add.
 */
export function trusted(ctx: CheckContext, owner = false): Promise<Discovered> {
  return ctx.shared.memo('the runner\'s issuer to be trusted', async () => {
    const d = await idJagOffered(ctx);
    const res = await present(ctx, d, await ctx.shared.issuer.mint(audienceOf(d)));
    if (res.json?.error === 'invalid_issuer')
      skip(`the service does not trust the runner's issuer ${ctx.shared.issuer.url}; add ${trustLine(ctx.shared.issuer.url)} to its config and run again`);
    if (res.status !== 200) fail(`a valid ID-JAG from the runner's issuer was refused: ${brief(res)}`);
    return d;
  }, owner);
}

/** One ID-JAG with one flaw (PROTOCOL.md §2 check table): the service must answer that row's code. */
function negative(id: string, title: string, flaw: MintOptions | ((iat: number) => MintOptions), status: number, code: string | string[], protocol = 'PROTOCOL.md §2 (ID-JAG checks)', rfc?: string): Check<CheckContext> {
  return {
    id, title, group: 'id-jag', target: 'service', profiles: ['v0.1'],
    spec: { protocol, rfc },
    remedy: `Refuse this ID-JAG with ${status} ${[code].flat().join(' or ')} before issuing anything.`,
    async run(ctx) {
      const d = await trusted(ctx);
      const now = Math.floor(Date.now() / 1000);
      const opts = typeof flaw === 'function' ? flaw(now) : flaw;
      const res = await present(ctx, d, await ctx.shared.issuer.mint(opts.claims?.aud !== undefined ? String(opts.claims.aud) : audienceOf(d), opts));
      expectError(res, status, code, title);
    },
  };
}

export const idJagChecks: Check<CheckContext>[] = [
  {
    id: 'idjag.untrusted_issuer',
    title: 'An ID-JAG from an issuer the service does not trust → 400 invalid_issuer',
    group: 'id-jag', target: 'service', profiles: ['v0.1'],
    spec: { protocol: 'PROTOCOL.md §2 (ID-JAG checks, row 2)', rfc: 'draft-ietf-oauth-identity-assertion-authz-grant §4' },
    async run(ctx) {
      const d = await idJagOffered(ctx);
      const res = await present(ctx, d, await ctx.shared.issuer.mint(audienceOf(d), { untrusted: true }));
      expectError(res, 400, 'invalid_issuer', 'ID-JAG from an untrusted issuer');
    },
  },
  {
    id: 'idjag.accepted',
    title: 'A valid ID-JAG from the runner\'s issuer → 200 with an access token, no refresh token',
    group: 'id-jag', target: 'service', profiles: ['v0.1'],
    spec: { protocol: 'PROTOCOL.md §2 (identity_assertion + ID-JAG)' },
    async run(ctx) {
      const d = await trusted(ctx, true);
      const res = await present(ctx, d, await ctx.shared.issuer.mint(audienceOf(d)));
      must(res.status === 200, `wanted 200, got ${brief(res)}`);
      const b = res.json ?? {};
      must(b.registration_type === 'agent-provider', `registration_type is ${JSON.stringify(b.registration_type)}, not "agent-provider"`);
      must(typeof b.credential === 'string' && b.credential_type === 'access_token', `no access_token credential: ${JSON.stringify(Object.keys(b))}`);
      must(!('refresh_token' in b), 'the answer carries a refresh_token ("No refresh token, ever")');
      const api = await ctx.http.get(`${ctx.opts.serviceUrl.replace(/\/+$/, '')}/api/resource`, { bearer: b.credential });
      must(api.status === 200, `the issued access token does not read the API: ${brief(api)}`);
      return ok('registered through the runner\'s issuer; the token reads the API');
    },
  },
  {
    id: 'idjag.replay',
    title: 'The same ID-JAG (same jti) presented twice → 400 replay_detected',
    group: 'id-jag', target: 'service', profiles: ['v0.1'],
    spec: { protocol: 'PROTOCOL.md §2 (ID-JAG checks, jti)', rfc: 'RFC 7523 §3 item 7' },
    remedy: 'Remember each jti at least until exp + skew and refuse a second use with replay_detected.',
    async run(ctx) {
      const d = await trusted(ctx);
      const jwt = await ctx.shared.issuer.mint(audienceOf(d));
      const first = await present(ctx, d, jwt);
      if (first.status !== 200) fail(`the first presentation was refused: ${brief(first)}`);
      expectError(await present(ctx, d, jwt), 400, 'replay_detected', 'second presentation of one ID-JAG');
    },
  },
  negative('idjag.wrong_audience', 'An ID-JAG for another audience → 400 invalid_audience', { claims: { aud: 'https://other-service.example' } }, 400, 'invalid_audience', 'PROTOCOL.md §2 (aud equals the AS issuer)', 'RFC 7523 §3 item 3'),
  negative('idjag.expired', 'An expired ID-JAG (exp 10 minutes past) → 400 expired', (now) => ({ claims: { iat: now - 1200, exp: now - 600 } }), 400, 'expired', 'PROTOCOL.md §2 (exp in the future)', 'RFC 7519 §4.1.4'),
  {
    id: 'idjag.tampered_signature',
    title: 'An ID-JAG whose payload was changed after signing → 400 invalid_signature',
    group: 'id-jag', target: 'service', profiles: ['v0.1'],
    spec: { protocol: 'PROTOCOL.md §2 (signature)', rfc: 'RFC 7515 §5.2' },
    async run(ctx) {
      const d = await trusted(ctx);
      const [h, , s] = (await ctx.shared.issuer.mint(audienceOf(d))).split('.');
      const [, p] = (await ctx.shared.issuer.mint(audienceOf(d), { claims: { sub: 'someone-else' } })).split('.');
      expectError(await present(ctx, d, `${h}.${p}.${s}`), 400, 'invalid_signature', 'payload swapped under a signature');
    },
  },
  negative('idjag.alg_none', 'An unsigned ID-JAG (alg "none") → 400 invalid_request', { header: { alg: 'none', kid: undefined } }, 400, 'invalid_request', 'PROTOCOL.md §2 (alg is asymmetric)', 'RFC 8725 §3.1'),
  negative('idjag.typ_confusion', 'A JWT with typ "JWT" instead of oauth-id-jag+jwt → 400 invalid_request', { header: { typ: 'JWT' } }, 400, 'invalid_request', 'PROTOCOL.md §2 (header typ)', 'RFC 8725 §3.11'),
  negative('idjag.typ_logout', 'A logout token (typ logout+jwt) presented as an ID-JAG → 400 invalid_request', { header: { typ: 'logout+jwt' } }, 400, 'invalid_request', 'PROTOCOL.md §2 (header typ)', 'RFC 8725 §3.11'),
  negative('idjag.missing_sub', 'An ID-JAG without sub → 400 invalid_request', { claims: { sub: undefined } }, 400, 'invalid_request', 'PROTOCOL.md §2 (sub, jti present)', 'RFC 7523 §3 item 2'),
  negative('idjag.missing_jti', 'An ID-JAG without jti → 400 invalid_request', { claims: { jti: undefined } }, 400, 'invalid_request', 'PROTOCOL.md §2 (sub, jti present)'),
  negative('idjag.missing_client_id', 'An ID-JAG without client_id → 400 invalid_client_id', { claims: { client_id: undefined } }, 400, 'invalid_client_id', 'PROTOCOL.md §2 (client_id present)', 'draft-ietf-oauth-identity-assertion-authz-grant §3'),
  negative('idjag.unverified_email', 'An ID-JAG with email_verified false → 400 missing_verified_email', { claims: { email_verified: false } }, 400, 'missing_verified_email', 'PROTOCOL.md §2 (verified email)'),
];
