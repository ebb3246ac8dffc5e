import express, { type ErrorRequestHandler, type RequestHandler, type Response } from 'express';
import { z } from 'zod';
import { MAX_BODY_BYTES, PROVIDER_PATHS } from '../protocol/constants.js';
import { ERROR_STATUS, OAuthError, ProtocolError, type ErrorCode } from '../protocol/errors.js';

/**
 * HTTP plumbing shared by the provider's routes: body parsers with the size limit, the one error
 * handler that turns every failure into a JSON envelope, and the headers our HTML pages need.
 */

/** A ProtocolError with a status other than the map's default (PROTOCOL.md §6: /id-jag answers 403). */
export function providerError(code: ErrorCode, message: string, status: number = ERROR_STATUS[code]): ProtocolError {
  const err = new ProtocolError(code, message);
  if (status !== err.status) Object.defineProperty(err, 'status', { value: status });
  return err;
}

/** Parse a JSON (or form) body with zod; a bad shape is `400 invalid_request` naming the field. */
export function parseBody<T extends z.ZodType>(schema: T, body: unknown): z.infer<T> {
  const result = schema.safeParse(body ?? {});
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const where = issue.path.length ? `"${issue.path.join('.')}"` : 'the body';
  throw new ProtocolError('invalid_request', `${where}: ${issue.message}`);
}

/** Body parsers: JSON for the API, url-encoded for HTML forms and RFC 6749 token requests. */
export const bodyParsers: RequestHandler[] = [
  express.json({ limit: MAX_BODY_BYTES, type: ['application/json', 'application/*+json'] }),
  express.urlencoded({ limit: MAX_BODY_BYTES, extended: false }),
];

/** CSP for our pages: the studio frames them (its own origin is a loopback port), so no X-Frame-Options. */
export const FRAME_ANCESTORS = "frame-ancestors 'self' http://127.0.0.1:* http://localhost:*";

/** Send a complete HTML page: no scripts, inline styles only, forms post to this origin, frame-able by the studio. */
export function sendPage(res: Response, status: number, html: string): void {
  res
    .status(status)
    .set({
      'Content-Type': 'text/html; charset=utf-8',
      'Content-Security-Policy': `default-src 'none'; style-src 'unsafe-inline'; img-src data:; form-action 'self'; base-uri 'none'; ${FRAME_ANCESTORS}`,
      'Cache-Control': 'no-store',
      'Referrer-Policy': 'no-referrer',
      'X-Content-Type-Options': 'nosniff',
    })
    .send(html);
}

/** Unknown paths answer a JSON 404, never Express's HTML one. */
export const notFound: RequestHandler = (req, _res, next) =>
  next(new ProtocolError('not_found', `No ${req.method} ${req.path} on this provider.`));

/**
 * The single error handler. Client mistakes get 4xx JSON; only our own bugs are 500, and even
 * then the body is a plain envelope without a stack trace. The token endpoint speaks RFC 6749 §5.2.
 */
export function errorHandler(log: (line: string) => void): ErrorRequestHandler {
  return (err, req, res, _next) => {
    const oauth = req.path === PROVIDER_PATHS.token;
    let status: number;
    let body: { error: string; message?: string; error_description?: string };
    const parserError = err as { type?: string; status?: number };
    if (err instanceof OAuthError) {
      status = err.status;
      body = err.toJSON();
    } else if (err instanceof ProtocolError) {
      status = err.status;
      for (const [k, v] of Object.entries(err.headers)) res.set(k, v);
      body = err.toJSON();
    } else if (parserError.type === 'entity.too.large') {
      status = 413;
      body = { error: 'payload_too_large', message: `The body is larger than ${MAX_BODY_BYTES} bytes.` };
    } else if (parserError.type === 'entity.parse.failed') {
      status = 400;
      body = { error: 'invalid_request', message: 'The body is not valid JSON.' };
    } else if (typeof parserError.status === 'number' && parserError.status >= 400 && parserError.status < 500) {
      // Other body-parser refusals (unsupported charset or encoding, aborted upload).
      status = parserError.status;
      body = { error: 'invalid_request', message: 'The request body could not be read.' };
    } else {
      log(`provider error on ${req.method} ${req.path}: ${(err as Error)?.stack ?? err}`);
      status = 500;
      body = { error: 'server_error', message: 'The provider hit an unexpected error.' };
    }
    if (oauth && body.message !== undefined) {
      // RFC 6749 §5.2 — the token endpoint's envelope is {error, error_description}.
      const code = status === 413 || status === 400 ? 'invalid_request' : body.error;
      body = { error: code, error_description: body.message };
    }
    if (res.headersSent) return;
    res.status(status).set('Cache-Control', 'no-store').json(body);
  };
}
