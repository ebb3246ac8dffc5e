import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Request, RequestHandler } from 'express';
import { STUDIO_TOKEN_HEADER, STUDIO_TOKEN_META, STUDIO_TOKEN_PARAM } from '../protocol/studio.js';
import { StudioError } from './studioRuns.js';

/**
 * The studio API is for the studio page only (DESIGN.md rule 10; issue 14 #1). Any web page the
 * person has open can send a no-cors POST to 127.0.0.1, so each call must prove it comes from the
 * page the studio served:
 * - a per-launch secret, which the studio writes into that page only (a meta tag, see withToken);
 *   another origin cannot read the page (same-origin policy; the Host check stops rebinding), and a
 *   custom header cannot be sent cross-origin without a CORS preflight, which the studio never answers;
 * - an `Origin`, when the browser sends one, that is the studio's own (RFC 6454 §7, Fetch §3.1);
 * - a body, when there is one, of type `application/json` (text/plain and forms are what a
 *   cross-site "simple request" can send, Fetch §2.2.2 CORS-safelisted request-header).
 * No CORS headers are ever sent.
 */

export function createStudioToken(): string {
  return randomBytes(32).toString('base64url');
}

const digest = (s: string) => createHash('sha256').update(s).digest();

export function studioGuard(token: string): RequestHandler {
  const expected = digest(token);
  return (req, _res, next) => {
    const origin = req.headers.origin;
    const own = `http://${String(req.headers.host).toLowerCase()}`;
    // The Host is already one of our loopback names (hostCheck.ts): our own origin is http://<Host>.
    if (origin !== undefined && origin !== own)
      return next(new StudioError(403, 'forbidden_origin', `The studio API answers only the studio page (${own}), not ${origin.slice(0, 100)}.`));
    const given = presented(req);
    if (!given)
      return next(new StudioError(401, 'studio_token_required', `Send the studio's per-launch token in the ${STUDIO_TOKEN_HEADER} header (the studio page has it in <meta name="${STUDIO_TOKEN_META}">).`));
    // Compared in constant time, as any secret (both sides hashed to one length first).
    if (!timingSafeEqual(digest(given), expected))
      return next(new StudioError(401, 'studio_token_required', 'That is not this launch\'s studio token: reload the studio page to get the current one.'));
    if (req.method !== 'GET' && req.method !== 'HEAD' && hasBody(req) && !req.is('application/json'))
      return next(new StudioError(415, 'unsupported_media_type', 'Send the body as Content-Type: application/json.'));
    next();
  };
}

/** The header, or (GET only: EventSource and download links cannot set headers) the query parameter. */
function presented(req: Request): string | undefined {
  const header = req.headers[STUDIO_TOKEN_HEADER];
  if (typeof header === 'string' && header) return header;
  if (req.method !== 'GET' && req.method !== 'HEAD') return undefined;
  const param = req.query[STUDIO_TOKEN_PARAM];
  return typeof param === 'string' && param ? param : undefined;
}

/** RFC 9112 §6.3: a request has a body when it says so with Transfer-Encoding or a non-zero Content-Length. */
function hasBody(req: Request): boolean {
  return req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0;
}

/**
 * The studio page with its token: a meta tag right after `<head>`, where the renderer (api.ts) reads it.
 * A document without a head element is sent as it is (it cannot be the built renderer).
 */
export function withToken(html: string, token: string): string {
  return html.replace(/<head(\s[^>]*)?>/i, (head) => `${head}<meta name="${STUDIO_TOKEN_META}" content="${token}">`);
}
