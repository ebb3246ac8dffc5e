import { decodeJwt } from 'jose';
import { headerValue, namedValues, parseBody } from '../../src-servers/trace/body';
import type { DecodedJwt, Exchange } from '../types';

/**
 * A recorded JWT as jwt.io shows it: its compact form (RFC 7515 §7.1) split into the three
 * base64url parts, each coloured, and how long until it expires. The trace stores only the decoded
 * header and claims (the raw token is a secret, redacted in exports); the raw form is read back
 * from the exchange itself, at the place `where` names.
 */

/** RFC 7515 §7.1 compact serialization, inside running text (an HTML page may embed a token). */
const COMPACT_IN_TEXT = /(?<![A-Za-z0-9_.-])[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{2,}\.[A-Za-z0-9_-]*(?![A-Za-z0-9_.-])/g;
/** RFC 6750 §2.1 — "Authorization: Bearer <token>" (and DPoP, RFC 9449 §7.1). */
const BEARER = /^\s*(?:Bearer|DPoP)\s+(\S+)\s*$/i;

const sameClaims = (token: string, claims: Record<string, unknown>): boolean => {
  try {
    return JSON.stringify(decodeJwt(token)) === JSON.stringify(claims);
  } catch {
    return false;
  }
};

/** The compact token found at `jwt.where` in the exchange, or null when it is no longer there. */
export function rawToken(e: Exchange, jwt: DecodedJwt): string | null {
  const [side, part, ...rest] = jwt.where.split('.');
  const name = rest.join('.');
  const headers = side === 'request' ? e.requestHeaders : e.responseHeaders;
  let found: string | undefined;
  if (part === 'headers') {
    const value = headerValue(headers, name);
    found = value === undefined ? undefined : (BEARER.exec(value)?.[1] ?? value.trim());
  } else if (part === 'query') {
    try {
      found = new URL(e.url).searchParams.get(name) ?? undefined;
    } catch {
      found = undefined;
    }
  } else if (part === 'body') {
    const parsed = parseBody(side === 'request' ? e.requestBody : e.responseBody, headerValue(headers, 'content-type'));
    if (name) found = namedValues(parsed, `${side}.body`).find((v) => v.path === jwt.where)?.value.trim();
    else if (parsed.kind === 'text') {
      const whole = parsed.text.trim();
      // A logout token or SET is the whole body; a page may embed several: pick the one decoded here.
      found = [whole, ...[...parsed.text.matchAll(COMPACT_IN_TEXT)].map((m) => m[0])].find((t) => sameClaims(t, jwt.claims));
    }
  }
  return found && sameClaims(found, jwt.claims) ? found : null;
}

/** Whether the recorder marked the place the token sits as secret (PROTOCOL.md §7): a bearer proof. */
export function isSecretAt(e: Exchange, where: string): boolean {
  return e.secrets.some((p) => where === p || where.startsWith(`${p}.`) || (p === 'request.url' && where.startsWith('request.query.')));
}

export interface CompactParts {
  header: string;
  payload: string;
  signature: string;
  /** The token is a secret and secrets are hidden: each part shows only its first characters. */
  masked: boolean;
}

/** The three parts to colour; masked like every other secret until the person reveals them. */
export function compactParts(e: Exchange, jwt: DecodedJwt, reveal: boolean): CompactParts | null {
  const token = rawToken(e, jwt);
  if (!token) return null;
  const [header, payload, signature] = token.split('.');
  if (reveal || !isSecretAt(e, jwt.where)) return { header, payload, signature, masked: false };
  // The decoded header and claims are shown anyway; the signature is what makes it a usable proof.
  const cut = (s: string) => `${s.slice(0, 6)}${'•'.repeat(6)}`;
  return { header: cut(header), payload: cut(payload), signature: signature ? '•'.repeat(8) : '', masked: true };
}

function span(seconds: number, precise: boolean): string {
  const s = Math.floor(seconds);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return precise && s % 60 ? `${m} min ${s % 60} s` : `${m} min`;
  const h = Math.floor(m / 60);
  if (h < 24) return m % 60 ? `${h} h ${m % 60} min` : `${h} h`;
  const d = Math.floor(h / 24);
  return h % 24 ? `${d} d ${h % 24} h` : `${d} d`;
}

/** RFC 7519 §4.1.4 `exp` (seconds since 1970) against now: "expires in 4 min 12 s" / "expired 3 min ago". */
export function expiryText(exp: number, nowMs: number): string {
  const left = exp - nowMs / 1000;
  return left > 0 ? `expires in ${span(Math.ceil(left), true)}` : `expired ${span(-left, false)} ago`;
}
