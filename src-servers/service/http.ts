import express, { type ErrorRequestHandler, type Request, type RequestHandler, type Response } from 'express';
import { LOGOUT_TOKEN_CONTENT_TYPE, MAX_BODY_BYTES, SERVICE_PATHS } from '../protocol/constants.js';
import { OAuthError, ProtocolError } from '../protocol/errors.js';

/** Body parsers for the three media types the service accepts; routes check which one they got. */
export function bodyParsers(): RequestHandler[] {
  return [
    // Refuse an announced oversize body before reading a byte of it (any media type).
    (req, _res, next) => {
      const length = Number(req.headers['content-length'] ?? 0);
      next(length > MAX_BODY_BYTES ? tooLarge() : undefined);
    },
    express.json({ limit: MAX_BODY_BYTES, type: ['application/json', 'application/*+json'] }),
    express.urlencoded({ limit: MAX_BODY_BYTES, extended: false, parameterLimit: 100 }),
    express.text({ limit: MAX_BODY_BYTES, type: LOGOUT_TOKEN_CONTENT_TYPE }),
  ];
}

const tooLarge = () =>
  new ProtocolError('payload_too_large', `The request body is larger than ${MAX_BODY_BYTES} bytes.`);

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

/**
 * The one place errors become responses: `ProtocolError` → `{"error","message"}`, `OAuthError` →
 * RFC 6749 §5.2 `{"error","error_description"}`, body-parser failures → 400/413, anything else →
 * 500 without details. Never HTML, never a stack trace.
 */
export function errorHandler(log: (line: string) => void): ErrorRequestHandler {
  return (err, req, res, next) => {
    if (res.headersSent) return next(err);
    if (err instanceof OAuthError) {
      res.status(err.status).json(err.toJSON());
      return;
    }
    const error = toProtocolError(err, log, req);
    if (req.path === SERVICE_PATHS.token) {
      // RFC 6749 §5.2: the token endpoint speaks OAuth errors even about a malformed body.
      const code = error.status >= 500 ? 'server_error' : 'invalid_request';
      res.set(error.headers).status(error.status).json({ error: code, error_description: error.message });
      return;
    }
    res.set(error.headers).status(error.status).json(error.toJSON());
  };
}

function toProtocolError(err: unknown, log: (line: string) => void, req: Request): ProtocolError {
  if (err instanceof ProtocolError) return err;
  const e = err as { type?: string; status?: number; statusCode?: number; message?: string };
  if (e?.type === 'entity.too.large' || e?.status === 413) return tooLarge();
  if (e?.type === 'entity.parse.failed') return new ProtocolError('invalid_request', 'The body is not valid JSON.');
  const status = e?.status ?? e?.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    // body-parser's other refusals: unsupported charset or encoding, aborted upload, too many fields.
    return new ProtocolError('invalid_request', `The request body could not be read (${e.type ?? 'bad request'}).`);
  }
  log(`service: unexpected error on ${req.method} ${req.path}: ${(err as Error)?.stack ?? String(err)}`);
  return new ProtocolError('server_error', 'Something went wrong on our side. Retry later.');
}
