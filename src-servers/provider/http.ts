import type { RequestHandler, Response } from 'express';
import { PROVIDER_PATHS } from '../protocol/constants.js';
import { ProtocolError } from '../protocol/errors.js';
import { bodyParsers as sharedBodyParsers } from '../http/body.js';
import { jsonErrorHandler } from '../http/errors.js';
import { sendHtml } from '../http/html.js';

/**
 * HTTP plumbing of the provider's routes, on the shared pieces in src-servers/http: body parsers
 * with the size limit, the one JSON error handler, and the CSP our HTML pages need.
 */

/** Body parsers: JSON for the API, url-encoded for HTML forms and RFC 6749 token requests. */
export const bodyParsers: RequestHandler[] = sharedBodyParsers();

/** Send a complete HTML page: no scripts, inline styles only, forms post to this origin, frame-able by the studio. */
export function sendPage(res: Response, status: number, html: string): void {
  sendHtml(res, status, html, `default-src 'none'; style-src 'unsafe-inline'; img-src data:; form-action 'self'; base-uri 'none'`);
}

/** Unknown paths answer a JSON 404, never Express's HTML one. */
export const notFound: RequestHandler = (req, _res, next) =>
  next(new ProtocolError('not_found', `No ${req.method} ${req.path} on this provider.`));

/** The shared JSON error handler (http/errors.ts) with the provider's statuses; the token endpoint speaks RFC 6749 §5.2. */
export const errorHandler = (log: (line: string) => void) =>
  jsonErrorHandler({ role: 'provider', log, oauthPaths: [PROVIDER_PATHS.token] });
