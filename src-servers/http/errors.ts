import type { ErrorRequestHandler } from 'express';
import { MAX_BODY_BYTES } from '../protocol/constants.js';
import { OAuthError, ProtocolError, statusFor, type Role } from '../protocol/errors.js';

export interface ErrorHandlerOptions {
  /** Whose statuses to answer with (protocol/errors.ts ROLE_STATUS). */
  role: Role;
  /** Where our own bugs are reported; the client only ever sees `server_error`. */
  log: (line: string) => void;
  /** Endpoints that speak RFC 6749 §5.2 `{error, error_description}`, even about a body they could not read. */
  oauthPaths?: readonly string[];
  /** A role's own error class that already carries its wire status and code (the studio's StudioError). */
  ownError?: (err: unknown) => { status: number; code: string; message: string } | undefined;
}

/**
 * The one place an error becomes a response (PROTOCOL.md: one JSON envelope, never HTML, never a
 * stack trace, never a 5xx for bad input): `ProtocolError` → `{"error","message"}` with the role's
 * status for its code, `OAuthError` → RFC 6749 §5.2, body-parser refusals → 400/413, anything else
 * → 500 `server_error`, logged. Errors are never cached: a 404 is otherwise heuristically cacheable (RFC 9111 §4.2.2).
 */
export function jsonErrorHandler(opts: ErrorHandlerOptions): ErrorRequestHandler {
  const oauthPaths = new Set(opts.oauthPaths ?? []);
  return (err, req, res, next) => {
    // The answer has started: only Express's own handler can end it (it closes the connection).
    if (res.headersSent) return next(err);
    res.set('Cache-Control', 'no-store');
    if (err instanceof OAuthError) return void res.status(err.status).json(err.toJSON());
    const own = opts.ownError?.(err);
    if (own) return void res.status(own.status).json({ error: own.code, message: own.message });

    let error = err instanceof ProtocolError ? err : bodyParserError(err);
    if (!error) {
      opts.log(`${opts.role}: unexpected error on ${req.method} ${req.path}: ${(err as Error)?.stack ?? String(err)}`);
      error = new ProtocolError('server_error', 'Something went wrong on our side. Retry later.');
    }
    const status = statusFor(error.code, opts.role);
    res.set(error.headers).status(status);
    if (oauthPaths.has(req.path)) {
      // RFC 6749 §5.2 has no code for an unreadable body or our own failure; these are the nearest.
      return void res.json({ error: status >= 500 ? 'server_error' : 'invalid_request', error_description: error.message });
    }
    res.json(error.toJSON());
  };
}

/** body-parser's refusals (its `type` and 4xx `status`), as the envelope's codes; undefined for anything else. */
export function bodyParserError(err: unknown): ProtocolError | undefined {
  const e = err as { type?: string; status?: number; statusCode?: number } | null;
  if (e?.type === 'entity.too.large' || e?.status === 413) {
    return new ProtocolError('payload_too_large', `The request body is larger than ${MAX_BODY_BYTES} bytes.`);
  }
  if (e?.type === 'entity.parse.failed') return new ProtocolError('invalid_request', 'The body is not valid JSON.');
  const status = e?.status ?? e?.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    // Unsupported charset or encoding, an aborted upload, too many fields: the client's to fix, so 400.
    return new ProtocolError('invalid_request', `The request body could not be read (${e?.type ?? 'bad request'}).`);
  }
  return undefined;
}
