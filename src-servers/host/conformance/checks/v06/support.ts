import { TOKEN_TYPE_ID_JAG } from '../../../../protocol/constants.js';
import { brief, type Res } from '../../http.js';
import { endpoint06, type CheckContext, type Discovered } from '../../context.js';
import { trustLine, type MintOptions } from '../../issuer.js';
import { fail, skip } from '../../types.js';

/** Shared steps of the v0.6 checks (PROTOCOL-v0.6.md): the identity endpoint, the token endpoint, the envelopes. */

export const agentAuth = (d: Discovered) => (d.as.agent_auth ?? {}) as Record<string, any>;
export const offers06 = (d: Discovered, type: string) => Array.isArray(agentAuth(d).identity_types_supported) && agentAuth(d).identity_types_supported.includes(type);
export const api = (ctx: CheckContext) => `${ctx.opts.serviceUrl.replace(/\/+$/, '')}/api/resource`;
/** The ID-JAG and SET audience: the AS issuer (PROTOCOL-v0.6.md preamble), authorization_servers[0] when it lacks one. */
export const aud06 = (d: Discovered) => (typeof d.as.issuer === 'string' ? d.as.issuer : d.asUrl);

export function identity(ctx: CheckContext, d: Discovered, body: unknown) {
  return ctx.http.post(endpoint06(d, 'identity_endpoint'), { json: body });
}

/** POST the token endpoint with a form body (PROTOCOL-v0.6.md §5, RFC 6749 §4.1.3 encoding). */
export function token(ctx: CheckContext, d: Discovered, form: Record<string, string>) {
  return ctx.http.post(endpoint06(d, 'token_endpoint'), { body: new URLSearchParams(form).toString(), contentType: 'application/x-www-form-urlencoded' });
}

/** An ID-JAG from the runner's issuer shaped for v0.6: `auth_time` now (§2 row 12), overridable. */
export function mint06(ctx: CheckContext, d: Discovered, opts: MintOptions = {}) {
  return ctx.shared.issuer.mint(opts.claims?.aud !== undefined ? String(opts.claims.aud) : aud06(d), { ...opts, claims: { auth_time: Math.floor(Date.now() / 1000), ...opts.claims } });
}

export function presentIdJag(ctx: CheckContext, d: Discovered, assertion: string) {
  return identity(ctx, d, { type: 'identity_assertion', assertion_type: TOKEN_TYPE_ID_JAG, assertion });
}

/** The anonymous registration (§2) one run makes once and reuses. */
export function anonymous06(ctx: CheckContext, owner = false): Promise<Record<string, any>> {
  return ctx.shared.memo('a v0.6 anonymous registration', async () => {
    const d = await ctx.shared.discovered(ctx.http);
    if (!offers06(d, 'anonymous')) skip('the service does not advertise anonymous registration');
    const res = await identity(ctx, d, { type: 'anonymous' });
    if (res.status !== 200 || typeof res.json?.identity_assertion !== 'string') fail(`POST ${endpoint06(d, 'identity_endpoint')} {"type":"anonymous"} → ${brief(res)}`);
    return res.json;
  }, owner);
}

/** Whether the service trusts the runner's issuer (a fresh valid ID-JAG is presented once); `invalid_issuer` → SKIPPED with what to configure. */
export function trusted06(ctx: CheckContext, owner = false): Promise<Discovered> {
  return ctx.shared.memo('the runner\'s issuer to be trusted (v0.6)', async () => {
    const d = await ctx.shared.discovered(ctx.http);
    if (!offers06(d, 'identity_assertion')) skip('the service does not advertise identity_assertion');
    const res = await presentIdJag(ctx, d, await mint06(ctx, d));
    if (res.json?.error === 'invalid_issuer')
      skip(`the service does not trust the runner's issuer ${ctx.shared.issuer.url}; add that URL to its trusted issuers (ours: ${trustLine(ctx.shared.issuer.url)}) and run again`);
    if (res.status !== 200) fail(`a valid ID-JAG from the runner's issuer was refused: ${brief(res)}`);
    return d;
  }, owner);
}

/** RFC 6749 §5.2 as PROTOCOL-v0.6.md §5 has it: 400, {error, error_description}, no-store and no-cache on every answer. */
export function expectTokenError(res: Res, code: string | readonly string[], what: string): void {
  const codes = [code].flat();
  if (res.status >= 500) fail(`${what}: answered ${brief(res)} — a 5xx for the client's mistake; wanted 400 ${codes.join(' or ')}`);
  if (res.status !== 400 || !codes.includes(res.json?.error)) fail(`${what}: wanted 400 ${codes.join(' or ')}, got ${res.status} ${res.json?.error ?? '(no error code)'} — ${brief(res)}`);
  if (!/^application\/json/i.test(res.contentType)) fail(`${what}: the error is ${res.contentType || 'untyped'}, not application/json`);
  if (res.json?.error_description !== undefined && typeof res.json.error_description !== 'string') fail(`${what}: error_description is not a string`);
  expectNoStore(res, what);
}

/** RFC 6749 §5.1: token answers carry Cache-Control: no-store and Pragma: no-cache. */
export function expectNoStore(res: Res, what: string): void {
  if (!/no-store/i.test(res.headers.get('cache-control') ?? '')) fail(`${what}: no "Cache-Control: no-store" (RFC 6749 §5.1), got ${JSON.stringify(res.headers.get('cache-control'))}`);
  if (!/no-cache/i.test(res.headers.get('pragma') ?? '')) fail(`${what}: no "Pragma: no-cache" (RFC 6749 §5.1)`);
}

/** RFC 8935 §2.4: 400 {err, description}. */
export function expectEventError(res: Res, code: string | readonly string[], what: string): void {
  const codes = [code].flat();
  if (res.status >= 500) fail(`${what}: answered ${brief(res)} — a 5xx for the sender's mistake; wanted 400 {"err":"${codes.join('|')}"}`);
  if (res.status !== 400 || !codes.includes(res.json?.err)) fail(`${what}: wanted 400 err ${codes.join(' or ')}, got ${res.status} ${res.json?.err ?? res.json?.error ?? '(no err)'} — ${brief(res)}`);
  if (typeof res.json?.description !== 'string') fail(`${what}: the RFC 8935 §2.4 body has no "description" — ${brief(res)}`);
}

/**
 * The hidden fields of the form a browser would submit (the page's own tokens, sent back as it would):
 * the form whose `action` ends with `action` when given — a page may hold several forms, each with
 * its own token (a claim page's sign-out form beside the code form) — else every form on the page.
 */
export function hiddenFields(html: string, action?: string): Record<string, string> {
  const form = action
    ? [...html.matchAll(/<form\b([^>]*)>([\s\S]*?)<\/form>/gi)].find((m) => {
        const a = /action\s*=\s*["']([^"']*)/i.exec(m[1])?.[1];
        return a !== undefined && a.split('?')[0].endsWith(action);
      })?.[2]
    : undefined;
  return Object.fromEntries([...(form ?? html).matchAll(/<input\b[^>]*>/gi)].map((m) => m[0])
    .filter((tag) => /type\s*=\s*["']?hidden/i.test(tag))
    .map((tag) => [/name\s*=\s*["']([^"']+)/i.exec(tag)?.[1], /value\s*=\s*["']([^"']*)/i.exec(tag)?.[1] ?? ''])
    .filter((kv): kv is [string, string] => typeof kv[0] === 'string'));
}

/** `name=value` pairs of a response's Set-Cookie headers, for the next request's Cookie. */
export const cookiesOf = (res: Res) => res.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');

/**
 * Sign in at the service's mock /login as `email` (PROTOCOL-v0.6.md §3: any well-formed email signs
 * in, auto-provisioned). The form is fetched first and its hidden fields and cookie sent back, so a
 * service that binds the form to its page (DESIGN.md rule 10) is signed in like a browser would be.
 * Returns the session cookie (empty when the service set none).
 */
export async function signIn(ctx: CheckContext, d: Discovered, email: string): Promise<string> {
  const login = `${new URL(d.asUrl).origin}/login`;
  const page = await ctx.http.get(`${login}?return_to=%2F`, { headers: { accept: 'text/html' } });
  const pageCookie = cookiesOf(page);
  const res = await ctx.http.post(login, {
    body: new URLSearchParams({ ...hiddenFields(page.text, '/login'), email, return_to: '/' }).toString(), contentType: 'application/x-www-form-urlencoded',
    headers: { accept: 'text/html', origin: new URL(login).origin, ...(pageCookie ? { cookie: pageCookie } : {}) },
  });
  if (res.status !== 302 && res.status !== 303 && res.status !== 200) fail(`signing in ${email} at ${login} → ${brief(res)}`);
  return cookiesOf(res) || pageCookie;
}
