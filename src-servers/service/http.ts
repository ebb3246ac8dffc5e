import type { Request, RequestHandler, Response } from 'express';
import { LOGOUT_TOKEN_CONTENT_TYPE, SERVICE_PATHS } from '../protocol/constants.js';
import { SET_CONTENT_TYPE } from '../protocol/v0.6/constants.js';
import { ProtocolError } from '../protocol/errors.js';
import { bodyParsers as sharedBodyParsers } from '../http/body.js';
import { jsonErrorHandler } from '../http/errors.js';

/** Body parsers for the three media types the service accepts; routes check which one they got. */
export function bodyParsers(): RequestHandler[] {
  // The shared parsers refuse an oversize body of any media type, announced or streamed (http/limits.ts).
  return sharedBodyParsers({ text: [LOGOUT_TOKEN_CONTENT_TYPE, SET_CONTENT_TYPE] }); // v0.1 logout token, v0.6 SET
}

/** Reject a body of the wrong media type with the JSON envelope (never a 415 HTML page). */
export function requireMediaType(req: Request, type: string, hint: string): void {
  if (!req.is(type)) throw new ProtocolError('invalid_request', `Send Content-Type: ${hint}.`);
}

/** RFC 6749 §5.1: responses carrying credentials must not be cached. */
export function noStore(res: Response): void {
  res.set('Cache-Control', 'no-store');
  res.set('Pragma', 'no-cache');
}

/** The caller's address, as the socket sees it: X-Forwarded-For is not trusted (no proxy in front). */
export function clientIp(req: Request): string {
  return req.socket.remoteAddress ?? 'unknown';
}

export const notFound: RequestHandler = (req, _res, next) =>
  next(new ProtocolError('not_found', `No such endpoint: ${req.method} ${req.path}. Start at /auth.md.`));

/** Known paths with the wrong method answer 405 with Allow, not a 404 that hides the endpoint. */
export function methodNotAllowed(allowed: Record<string, string[]>): RequestHandler {
  return (req, res, next) => {
    const methods = allowed[req.path];
    if (!methods) return next();
    res.set('Allow', methods.join(', '));
    next(new ProtocolError('method_not_allowed', `${req.method} is not allowed here; use ${methods.join(' or ')}.`));
  };
}

/** The shared JSON error handler (http/errors.ts); `/oauth2/token` answers in RFC 6749 §5.2 form. */
export const errorHandler = (log: (line: string) => void) =>
  jsonErrorHandler({ role: 'service', log, oauthPaths: [SERVICE_PATHS.token] });
