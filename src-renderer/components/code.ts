import { SERVICE_PATHS, PROVIDER_PATHS } from '../../src-servers/protocol/constants';
import { SERVICE_PATHS_V06 } from '../../src-servers/protocol/v0.6/constants';
import { headerValue, mediaType, parseBody } from '../../src-servers/trace/body';
import { tokenKind } from '../../src-servers/trace/claims';
import type { Exchange } from '../types';
import { curlCommand, replayHeaders } from './curl';

/**
 * The recorded request as code a learner can run: curl, JavaScript fetch, Python requests — and
 * why replaying it may fail. Pure functions of the exchange; the Code tab masks secrets first.
 */

export type CodeLang = 'curl' | 'fetch' | 'python';
export const CODE_LANGS: readonly { id: CodeLang; label: string }[] = [
  { id: 'curl', label: 'curl' }, { id: 'fetch', label: 'JavaScript' }, { id: 'python', label: 'Python' },
];

const q = (s: string) => JSON.stringify(s); // a JSON string is a valid JS and Python string literal

function bodyOf(e: Exchange) {
  const type = headerValue(e.requestHeaders, 'content-type');
  return { type: mediaType(type), parsed: parseBody(e.requestBody, type) };
}

const indent = (text: string, pad: string) => text.split('\n').join(`\n${pad}`);

/** `await fetch(url, { method, headers, body })`, printing the status and the answer. */
export function fetchSnippet(e: Exchange): string | null {
  if (e.method === 'SMTP') return null;
  const headers = replayHeaders(e);
  const opts: string[] = [];
  if (e.method !== 'GET') opts.push(`method: ${q(e.method)},`);
  if (headers.length) opts.push(`headers: {\n${headers.map(([k, v]) => `  ${q(k)}: ${q(v)},`).join('\n')}\n},`);
  if (e.requestBody) {
    const { parsed } = bodyOf(e);
    if (parsed.kind === 'json') opts.push(`body: JSON.stringify(${JSON.stringify(parsed.value, null, 2)}),`);
    else if (parsed.kind === 'form') {
      const keys = parsed.params.map(([k]) => k);
      // Repeated names need the array form; otherwise an object reads better.
      const init = new Set(keys).size === keys.length
        ? `{\n${parsed.params.map(([k, v]) => `  ${q(k)}: ${q(v)},`).join('\n')}\n}`
        : JSON.stringify(parsed.params);
      opts.push(`body: new URLSearchParams(${init}),`);
    } else opts.push(`body: ${q(e.requestBody)},`);
  }
  const args = opts.length ? `${q(e.url)}, {\n  ${opts.map((o) => indent(o, '  ')).join('\n  ')}\n}` : q(e.url);
  return `const response = await fetch(${args});\nconsole.log(response.status, await response.text());`;
}

/** A JSON value as a Python literal (true → True, null → None), pretty-printed like json.dumps(indent=4). */
function py(value: unknown, pad = ''): string {
  if (value === null) return 'None';
  if (value === true) return 'True';
  if (value === false) return 'False';
  if (typeof value === 'string' || typeof value === 'number') return JSON.stringify(value);
  const inner = `${pad}    `;
  if (Array.isArray(value)) return value.length ? `[\n${value.map((v) => `${inner}${py(v, inner)},`).join('\n')}\n${pad}]` : '[]';
  const entries = Object.entries(value as Record<string, unknown>);
  return entries.length ? `{\n${entries.map(([k, v]) => `${inner}${q(k)}: ${py(v, inner)},`).join('\n')}\n${pad}}` : '{}';
}

/** `requests.<method>(url, headers=…, json=… | data=…)`, printing the status and the answer. */
export function pythonSnippet(e: Exchange): string | null {
  if (e.method === 'SMTP') return null;
  const { type, parsed } = e.requestBody ? bodyOf(e) : { type: '', parsed: { kind: 'empty' as const } };
  // requests sets these Content-Types itself for json= and a dict in data=.
  const implied = (parsed.kind === 'json' && type === 'application/json') || parsed.kind === 'form';
  const headers = replayHeaders(e).filter(([k]) => !(implied && k.toLowerCase() === 'content-type'));
  const args = [q(e.url)];
  if (headers.length) args.push(`headers=${py(Object.fromEntries(headers))}`);
  if (parsed.kind === 'json') args.push(`${type === 'application/json' ? 'json' : 'data'}=${type === 'application/json' ? py(parsed.value) : q(e.requestBody!)}`);
  else if (parsed.kind === 'form') {
    const keys = parsed.params.map(([k]) => k);
    args.push(`data=${new Set(keys).size === keys.length ? py(Object.fromEntries(parsed.params)) : `[${parsed.params.map(([k, v]) => `(${q(k)}, ${q(v)})`).join(', ')}]`}`);
  } else if (parsed.kind === 'text') args.push(`data=${q(parsed.text)}`);
  const verb = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'].includes(e.method) ? e.method.toLowerCase() : null;
  const call = verb ? `requests.${verb}(` : `requests.request(${q(e.method)}, `;
  const oneLine = args.every((a) => !a.includes('\n')) && args.join(', ').length < 60;
  const list = oneLine ? args.join(', ') : `\n    ${args.map((a) => `${indent(a, '    ')},`).join('\n    ')}\n`;
  return `import requests\n\nresponse = ${call}${list})\nprint(response.status_code, response.text)`;
}

export function snippet(e: Exchange, lang: CodeLang): string | null {
  return lang === 'curl' ? curlCommand(e) : lang === 'fetch' ? fetchSnippet(e) : pythonSnippet(e);
}

/** Why replaying this request will not do again what it did: what is single-use, and where it is specified. */
export interface OneTimeWarning {
  /** What is single-use, as PROTOCOL.md names it: "ID-JAG", "OTP", … */
  what: string;
  why: string;
  /** The spec section, e.g. "PROTOCOL.md §2". */
  cite: string;
}

/** The one-time tokens and codes a request carries (PROTOCOL.md §2–§4, §6; PROTOCOL-v0.6.md §2–§4, §6). */
export function oneTimeWarnings(e: Exchange): OneTimeWarning[] {
  if (e.method === 'SMTP') return [];
  const v06 = e.serviceProfile === 'v0.6';
  const doc = v06 ? 'PROTOCOL-v0.6.md' : 'PROTOCOL.md';
  let path = '';
  try {
    path = new URL(e.url).pathname;
  } catch {
    /* not a URL: no path rules apply */
  }
  const out: OneTimeWarning[] = [];
  const add = (w: OneTimeWarning) => {
    if (!out.some((x) => x.what === w.what)) out.push(w);
  };
  for (const j of e.jwts) {
    if (!j.where.startsWith('request.') || typeof j.claims.jti !== 'string') continue;
    const kind = tokenKind(j.header, j.claims);
    // PROTOCOL.md §2 (and §5: "same checks as §2") / PROTOCOL-v0.6.md §2 check 10: the jti cache.
    if (kind === 'id-jag')
      add({ what: 'ID-JAG', why: `its jti is accepted once: the service remembers it until exp, so a replay is refused with 400 replay_detected.`, cite: `${doc} §2` });
    // PROTOCOL.md §4: the logout token's jti is "not replayed".
    else if (kind === 'logout-token')
      add({ what: 'Logout token', why: 'its jti is accepted once: a replay is refused with 400 replay_detected and revokes nothing.', cite: 'PROTOCOL.md §4' });
    // PROTOCOL-v0.6.md §4: "jti is unseen" in the §2 cache shared with ID-JAGs.
    else if (kind === 'security-event')
      add({ what: 'SET', why: 'its jti is accepted once: the service refuses the same event again with 400 invalid_request.', cite: 'PROTOCOL-v0.6.md §4' });
    // A v0.6 service assertion "may be exchanged again and again until exp" (PROTOCOL-v0.6.md §2): no warning.
  }
  const { parsed } = bodyOf(e);
  const field = (name: string): string | undefined => {
    if (parsed.kind === 'json' && parsed.value && typeof parsed.value === 'object') {
      const v = (parsed.value as Record<string, unknown>)[name];
      return typeof v === 'string' ? v : undefined;
    }
    return parsed.kind === 'form' ? parsed.params.find(([k]) => k === name)?.[1] : undefined;
  };
  // PROTOCOL.md §3: exactly one complete with the right code succeeds; after it, 409 previously_claimed.
  if (path.endsWith(SERVICE_PATHS.claimComplete) && field('otp') !== undefined)
    add({ what: 'OTP', why: 'the code completes the claim once: a replay is answered 409 previously_claimed.', cite: 'PROTOCOL.md §3' });
  // PROTOCOL-v0.6.md §3: the claim page's form; once claimed, 409 already claimed.
  if (path.endsWith(SERVICE_PATHS_V06.claimComplete) && field('user_code') !== undefined)
    add({ what: 'user_code', why: 'the code completes the claim once: a replay is answered 409 (already claimed).', cite: 'PROTOCOL-v0.6.md §3' });
  // PROTOCOL.md §3: "a new call rotates the code".
  if (path.endsWith(SERVICE_PATHS.claimChallenge))
    add({ what: 'Claim code', why: 'each call mints a new code: replaying it makes the code shown before stop working.', cite: 'PROTOCOL.md §3' });
  // PROTOCOL.md §3 / PROTOCOL-v0.6.md §3: every claim call starts a new attempt and supersedes the old link and code.
  if ((path.endsWith(SERVICE_PATHS.claim) || path.endsWith(SERVICE_PATHS_V06.claim)) && field('claim_token') !== undefined)
    add({ what: 'Claim token', why: 'replaying starts a new claim attempt: the link (and code) sent before stop working; once claimed, it is refused with 409 claimed_or_in_flight.', cite: `${doc} §3` });
  // PROTOCOL-v0.6.md §6: "a once grant is consumed by the mint".
  if (e.to === 'Provider' && e.method === 'POST' && path === PROVIDER_PATHS.idJag)
    add({ what: 'Consent given once', why: 'if the person allowed it "once", this mint used the grant up: a replay is answered 403 consent_required.', cite: 'PROTOCOL-v0.6.md §6' });
  return out;
}
