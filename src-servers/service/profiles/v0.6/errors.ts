import type { ErrorRequestHandler } from 'express';
import { ProtocolError, statusFor } from '../../../protocol/errors.js';
import { SERVICE_PATHS_V06 } from '../../../protocol/v0.6/constants.js';
import {
  IDENTITY_ERROR_STATUS_V06, RESOURCE_ERROR_STATUS_V06, TOKEN_ERROR_STATUS_V06,
  type EventErrorCodeV06, type IdentityErrorCodeV06, type TokenErrorCodeV06,
} from '../../../protocol/v0.6/errors.js';
import { bodyParserError } from '../../../http/errors.js';

/**
 * The four envelopes of PROTOCOL-v0.6.md (the table at its top). Routes throw the error of their
 * surface; the shared checks and plumbing throw `ProtocolError`, which the handler answers in the
 * envelope of the surface the request was for.
 */

/** `/agent/identity`, `/agent/identity/claim`: `{error, message}`; the two 401s `{error, error_description, …}`. */
export class IdentityError extends Error {
  constructor(
    readonly code: IdentityErrorCodeV06,
    message: string,
    readonly extra: Record<string, unknown> = {},
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'IdentityError';
  }
}

/** `/oauth2/token`, `/oauth2/revoke`: RFC 6749 §5.2 `{error, error_description}`. */
export class TokenError extends Error {
  constructor(readonly code: TokenErrorCodeV06, message: string) {
    super(message);
    this.name = 'TokenError';
  }
}

/** `/agent/event/notify`: RFC 8935 §2.4 `{err, description}`, always 400. */
export class EventError extends Error {
  constructor(readonly err: EventErrorCodeV06, message: string) {
    super(message);
    this.name = 'EventError';
  }
}

/** RS `/api/resource`: `{error, message}` with RFC 6750 §3 `WWW-Authenticate` (PROTOCOL-v0.6.md §1). */
export class ResourceError extends Error {
  constructor(readonly code: keyof typeof RESOURCE_ERROR_STATUS_V06, message: string, readonly headers: Record<string, string>) {
    super(message);
    this.name = 'ResourceError';
  }
}

const TOKEN_PATHS = new Set<string>([SERVICE_PATHS_V06.token, SERVICE_PATHS_V06.revoke]);

/** RFC 6749 §5.1: every token-endpoint answer, success or error, is uncacheable (PROTOCOL-v0.6.md top table). */
export function tokenHeaders(res: import('express').Response): void {
  res.set('Cache-Control', 'no-store').set('Pragma', 'no-cache');
}

/** PROTOCOL-v0.6.md preamble: never a stack trace, never a 5xx for bad input; a real fault is 500 `internal_error`. */
export function errorHandlerV06(log: (line: string) => void): ErrorRequestHandler {
  return (err, req, res, next) => {
    if (res.headersSent) return next(err);
    res.set('Cache-Control', 'no-store');
    if (err instanceof IdentityError) {
      const status = IDENTITY_ERROR_STATUS_V06[err.code];
      const text = status === 401 && (err.code === 'login_required' || err.code === 'interaction_required')
        ? { error_description: err.message } : { message: err.message };
      return void res.status(status).set(err.headers).json({ error: err.code, ...text, ...err.extra });
    }
    if (err instanceof TokenError) {
      tokenHeaders(res);
      return void res.status(TOKEN_ERROR_STATUS_V06[err.code]).json({ error: err.code, error_description: err.message });
    }
    if (err instanceof ResourceError) {
      return void res.status(RESOURCE_ERROR_STATUS_V06[err.code]).set(err.headers).json({ error: err.code, message: err.message });
    }
    if (err instanceof EventError) return void res.status(400).json({ err: err.err, description: err.message });

    let error = err instanceof ProtocolError ? err : bodyParserError(err);
    if (!error) {
      log(`service: unexpected error on ${req.method} ${req.path}: ${(err as Error)?.stack ?? String(err)}`);
      error = new ProtocolError('server_error', 'Something went wrong on our side. Retry later.');
    }
    const status = statusFor(error.code, 'service');
    res.status(status).set(error.headers);
    const code = status >= 500 ? 'internal_error' : error.code;
    if (TOKEN_PATHS.has(req.path)) {
      tokenHeaders(res);
      // RFC 6749 §5.2 has no code for an unreadable body; invalid_request is the nearest.
      const oauth = code in TOKEN_ERROR_STATUS_V06 || code === 'rate_limited' || code === 'internal_error' ? code : 'invalid_request';
      return void res.json({ error: oauth, error_description: error.message });
    }
    if (req.path === SERVICE_PATHS_V06.events) return void res.json({ err: status >= 500 ? 'internal_error' : 'invalid_request', description: error.message });
    res.json({ error: code, message: error.message });
  };
}
