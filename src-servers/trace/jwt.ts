/**
 * Finding and decoding every JWT in an exchange, so the inspector can show its header and claims.
 * Decoding is synchronous and never verifies anything; signature.ts checks signatures afterwards.
 */
import { decodeJwt, decodeProtectedHeader } from 'jose';
import { headerValue, namedValues, parseBody, type ParsedBodies } from './body.js';
import type { DecodedJwt } from './types.js';

/** RFC 7515 §7.1 compact serialization: three base64url parts (the signature is empty for alg "none"). */
const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;
/** The same, inside running text (an HTML page, a mail, a markdown file). */
const COMPACT_JWS_IN_TEXT = /(?<![A-Za-z0-9_.-])[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{2,}\.[A-Za-z0-9_-]*(?![A-Za-z0-9_.-])/g;
/** RFC 6750 §2.1 — "Authorization: Bearer <token>". */
const BEARER = /^\s*(?:Bearer|DPoP)\s+(\S+)\s*$/i;
const MAX_TOKEN_LENGTH = 16 * 1024;

export interface FoundJwt {
  where: string;
  token: string;
  header: Record<string, unknown>;
  claims: Record<string, unknown>;
}

/** Decodes `text` when it is a JWT (a JOSE header with `alg`, a JSON object payload); else null. */
export function decodeIfJwt(text: string): { header: Record<string, unknown>; claims: Record<string, unknown> } | null {
  if (text.length > MAX_TOKEN_LENGTH || !COMPACT_JWS.test(text)) return null;
  try {
    const header = decodeProtectedHeader(text) as Record<string, unknown>;
    if (typeof header.alg !== 'string') return null; // RFC 7515 §4.1.1: alg is REQUIRED
    const claims = decodeJwt(text) as Record<string, unknown>;
    return { header, claims };
  } catch {
    return null;
  }
}

/** The parts of an exchange where tokens travel. */
export interface JwtSource {
  url: string;
  requestHeaders?: Record<string, string>;
  requestBody?: string | null;
  responseHeaders?: Record<string, string>;
  responseBody?: string | null;
}

/** Every JWT in headers (Bearer or bare), the URL query, and JSON / form / text bodies, each once per place. */
export function findJwts(source: JwtSource, bodies?: ParsedBodies): FoundJwt[] {
  const found: FoundJwt[] = [];
  const seen = new Set<string>();
  const add = (where: string, token: string) => {
    const key = `${where}\n${token}`;
    if (seen.has(key)) return;
    const decoded = decodeIfJwt(token);
    if (!decoded) return;
    seen.add(key);
    found.push({ where, token, ...decoded });
  };

  for (const [side, headers] of [['request', source.requestHeaders], ['response', source.responseHeaders]] as const) {
    for (const [name, value] of Object.entries(headers ?? {})) {
      const bearer = BEARER.exec(value);
      add(`${side}.headers.${name.toLowerCase()}`, bearer ? bearer[1] : value.trim());
    }
  }

  try {
    for (const [name, value] of new URL(source.url).searchParams) add(`request.query.${name}`, value);
  } catch {
    /* not a URL we can parse (e.g. an SMTP pseudo-URL): nothing to find there */
  }

  for (const [side, body, headers] of [
    ['request', source.requestBody, source.requestHeaders],
    ['response', source.responseBody, source.responseHeaders],
  ] as const) {
    const parsed = bodies?.[side] ?? parseBody(body, headerValue(headers, 'content-type'));
    for (const { path, value } of namedValues(parsed, `${side}.body`)) add(path, value.trim());
    if (parsed.kind === 'text') {
      // A logout token (application/logout+jwt) is the whole body; an HTML page may embed one.
      const whole = parsed.text.trim();
      if (decodeIfJwt(whole)) add(`${side}.body`, whole);
      else for (const m of parsed.text.matchAll(COMPACT_JWS_IN_TEXT)) add(`${side}.body`, m[0]);
    }
  }
  return found;
}

/** The synchronous first look: decoded, with the signature not yet checked. */
export function toDecodedJwt(f: FoundJwt, signature: DecodedJwt['signature']): DecodedJwt {
  return { where: f.where, header: f.header, claims: f.claims, signature };
}
