/**
 * Marking where secrets sit in an exchange, as dotted paths ("response.body.credential"), so the
 * studio can mask them and exports can redact them. PROTOCOL.md §7 lists what is secret: plaintext
 * leaves the server once, and the trace is the one place it is seen again.
 */
import { headerValue, namedValues, parseBody, type ParsedBodies } from './body.js';
import type { Exchange } from './types.js';

/** Headers that carry credentials (RFC 6750 §2.1, RFC 6265). */
const SECRET_HEADERS = new Set(['authorization', 'proxy-authorization', 'cookie', 'set-cookie', 'x-api-key']);

/** Body fields holding a credential or a proof (PROTOCOL.md §2–§6, RFC 6749, RFC 8693). */
export const SECRET_FIELDS = new Set([
  'credential', 'claim_token', 'claim_attempt_token', 'otp', 'challenge', 'assertion',
  'access_token', 'refresh_token', 'session_token', 'id_token', 'subject_token', 'actor_token',
  'client_secret', 'password', 'logout_token',
]);

/**
 * Opaque secrets recognisable by prefix wherever they appear (PROTOCOL.md §7): every credential the
 * service issues (API keys `sk_test_`, access tokens `at_`), claim and claim-attempt tokens, and the
 * provider's session tokens (`ses_`). The look-behind keeps `expires_at_…`-like names from matching.
 */
const SECRET_TOKEN = /(?<![A-Za-z0-9_])(?:sk_test_|at_|clm_|cv_|ses_)[A-Za-z0-9_-]{6,}/;

/** A body that is one compact JWS (RFC 7515 §7.1) — a logout token (PROTOCOL.md §4) or an assertion sent bare. */
const WHOLE_BODY_JWT = /^\s*eyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*\s*$/;

export function containsSecretToken(text: string): boolean {
  return SECRET_TOKEN.test(text);
}

type SecretSource = Pick<Exchange, 'url'> & Partial<Pick<Exchange, 'requestHeaders' | 'requestBody' | 'responseHeaders' | 'responseBody'>>;

export function markSecrets(e: SecretSource, bodies?: ParsedBodies): string[] {
  const paths = new Set<string>();

  for (const [side, headers] of [['request', e.requestHeaders], ['response', e.responseHeaders]] as const) {
    for (const [name, value] of Object.entries(headers ?? {})) {
      const lower = name.toLowerCase();
      if (SECRET_HEADERS.has(lower) || containsSecretToken(value)) paths.add(`${side}.headers.${lower}`);
    }
  }

  // The claim link carries its cv_ token in the query (PROTOCOL.md §3): mark the parameter and the URL.
  try {
    const url = new URL(e.url);
    for (const [name, value] of url.searchParams) {
      if (SECRET_FIELDS.has(name) || containsSecretToken(value)) {
        paths.add(`request.query.${name}`);
        paths.add('request.url');
      }
    }
    if (containsSecretToken(decodeURIComponent(url.pathname))) paths.add('request.url');
  } catch {
    if (containsSecretToken(e.url)) paths.add('request.url');
  }

  for (const [side, body, headers] of [
    ['request', e.requestBody, e.requestHeaders],
    ['response', e.responseBody, e.responseHeaders],
  ] as const) {
    const parsed = bodies?.[side] ?? parseBody(body, headerValue(headers, 'content-type'));
    for (const { path, key, value } of namedValues(parsed, `${side}.body`)) {
      if ((key !== undefined && SECRET_FIELDS.has(key) && value !== '') || containsSecretToken(value)) paths.add(path);
    }
    // A page, a mail or a markdown file that shows a key or a claim link: the whole text is sensitive.
    if (parsed.kind === 'text' && containsSecretToken(parsed.text)) paths.add(`${side}.body`);
    // A whole-body JWT (the logout token) is a bearer proof like any other: redact all of it.
    if (parsed.kind === 'text' && WHOLE_BODY_JWT.test(parsed.text)) paths.add(`${side}.body`);
  }
  return [...paths];
}

/** A copy of the exchange with every marked value replaced by "[redacted]" (for sharing an export). */
export function redactSecrets(e: Exchange): Exchange {
  if (e.secrets.length === 0) return e; // nothing marked: nothing to copy
  // Only the headers, the URL and the bodies change (strings are immutable): a shallow copy is
  // enough, and cheap enough to run for every exchange written to the database.
  const out: Exchange = { ...e, requestHeaders: { ...e.requestHeaders }, responseHeaders: { ...e.responseHeaders } };
  const mask = '[redacted]';
  const bodyPaths = { request: [] as string[], response: [] as string[] };
  for (const path of e.secrets) {
    const [side, part, ...rest] = path.split('.') as ['request' | 'response', string, ...string[]];
    if (part === 'headers') {
      const headers = side === 'request' ? out.requestHeaders : out.responseHeaders;
      const name = rest.join('.');
      for (const k of Object.keys(headers)) if (k.toLowerCase() === name) headers[k] = mask;
    } else if (part === 'body') {
      bodyPaths[side].push(rest.join('.'));
    } else if (path === 'request.url') {
      out.url = redactUrl(out.url);
    }
  }
  out.requestBody = redactBody(out.requestBody, headerValue(out.requestHeaders, 'content-type'), bodyPaths.request);
  out.responseBody = redactBody(out.responseBody, headerValue(out.responseHeaders, 'content-type'), bodyPaths.response);
  // Decoded JWTs are readable copies of marked bodies: keep the header and claims, they explain the flow.
  return out;
}

function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    for (const [name, value] of [...u.searchParams]) {
      if (SECRET_FIELDS.has(name) || containsSecretToken(value)) u.searchParams.set(name, '[redacted]');
    }
    u.pathname = u.pathname.replace(new RegExp(SECRET_TOKEN.source, 'g'), '[redacted]');
    return u.toString();
  } catch {
    return url.replace(new RegExp(SECRET_TOKEN.source, 'g'), '[redacted]');
  }
}

function redactBody(body: string | null, contentType: string | undefined, paths: string[]): string | null {
  if (body === null || paths.length === 0) return body;
  if (paths.includes('')) {
    if (WHOLE_BODY_JWT.test(body)) return '[redacted]';
    return body.replace(new RegExp(SECRET_TOKEN.source, 'g'), '[redacted]');
  }
  const parsed = parseBody(body, contentType);
  if (parsed.kind === 'json') {
    const value = parsed.value as Record<string, unknown>;
    for (const p of paths) setPath(value, p.split('.'), '[redacted]');
    return JSON.stringify(value);
  }
  if (parsed.kind === 'form') {
    const params = new URLSearchParams(parsed.params);
    for (const p of paths) if (params.has(p)) params.set(p, '[redacted]');
    return params.toString();
  }
  return '[redacted]';
}

function setPath(target: unknown, keys: string[], value: string): void {
  let node = target as Record<string, unknown> | undefined;
  for (const k of keys.slice(0, -1)) node = node?.[k] as Record<string, unknown> | undefined;
  if (node && typeof node === 'object' && keys.length) node[keys[keys.length - 1]] = value;
}
