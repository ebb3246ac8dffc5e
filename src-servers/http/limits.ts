import type { Server } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Socket } from 'node:net';
import type { Request, RequestHandler, Response } from 'express';
import { MAX_BODY_BYTES } from '../protocol/constants.js';
import { ProtocolError } from '../protocol/errors.js';

/**
 * Limits every server shares (PROTOCOL.md preamble: never a 5xx for a client's mistake, and no
 * request may hold a socket or memory for long): the size of a request body as it arrives on the
 * wire (announced, chunked or compressed alike), how long headers and bodies may take, and a JSON
 * answer for requests too malformed for Express to ever see.
 */

/** Headers must arrive within this (Node's default is 60 s): a slow-loris client loses its socket. */
export const HEADERS_TIMEOUT_MS = 5_000;
/** The whole request, body included, within this (Node's default is 300 s). A 64 KiB body takes milliseconds on loopback. */
export const REQUEST_TIMEOUT_MS = 10_000;

/** `http.createServer` options every server uses: the timeouts above, checked every second (Node's default: 30 s). */
export const SERVER_OPTIONS = {
  headersTimeout: HEADERS_TIMEOUT_MS,
  requestTimeout: REQUEST_TIMEOUT_MS,
  connectionsCheckingInterval: 1_000,
} as const;

const tooLarge = (limit: number) => new ProtocolError('payload_too_large', `The request body is larger than ${limit} bytes.`);

/**
 * How long a connection stays open for reading (and discarding) after it answered a request whose
 * body had not all arrived. Closing a socket with unread bytes sends a TCP reset, which can destroy
 * the answer before the client reads it; a half-close first and a short wait let the answer land.
 */
export const LINGER_MS = 1_000;

/**
 * RFC 9110 §15.5.14: a body over `limit` is refused with 413 `payload_too_large` — at once when
 * Content-Length announces it, and as soon as that many bytes have arrived when it is chunked
 * (RFC 9112 §7.1). Counting the wire bytes caps what a compressed body may cost before it is
 * inflated; body-parser's own `limit` then caps the inflated bytes (a gzip bomb stops at `limit`).
 * Any answer sent before its request's body is complete closes the connection (RFC 9112 §9.6):
 * nobody reads the rest of an endless upload.
 */
export function limitRequestBody(limit = MAX_BODY_BYTES): RequestHandler {
  return (req, res, next) => {
    closeWhenAnsweredEarly(req, res);
    let seen = 0;
    let refused = false;
    const emit = req.emit;
    req.emit = function (this: Request, event: string | symbol, ...args: unknown[]) {
      if (event !== 'data') return emit.call(this, event, ...args);
      if (refused) return true; // past the limit nothing is passed on, to a parser or to the trace
      seen += (args[0] as { length?: number })?.length ?? 0;
      if (seen > limit) {
        refused = true;
        // A parser is still reading: answer now (its own error comes later and finds the answer sent).
        if (!res.headersSent) next(tooLarge(limit));
        return true;
      }
      return emit.call(this, event, ...args);
    } as Request['emit'];

    if (Number(req.headers['content-length'] ?? 0) > limit) {
      refused = true;
      return next(tooLarge(limit));
    }
    next();
  };
}

/** An answer that goes out before the request body is in says `Connection: close`, and closes gracefully. */
function closeWhenAnsweredEarly(req: Request, res: Response): void {
  const writeHead = res.writeHead;
  res.writeHead = function (this: Response, ...args: unknown[]) {
    // A request without a body is complete only once its handler returns: it never counts as early.
    if (hasBody(req) && !req.complete && !res.headersSent) {
      res.setHeader('Connection', 'close');
      lingerOnClose(req.socket);
    }
    return (writeHead as (...a: unknown[]) => Response).apply(this, args);
  } as Response['writeHead'];
}

/** RFC 9112 §6.3: a request has a body when it says Transfer-Encoding or a non-zero Content-Length. */
function hasBody(req: Request): boolean {
  return req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0;
}

/** Node ends a `Connection: close` answer with destroySoon(): make that a half-close, then a destroy LINGER_MS later. */
function lingerOnClose(socket: Socket): void {
  const patched = socket as Socket & { destroySoon?: () => void; [LINGERING]?: true };
  if (patched[LINGERING]) return;
  patched[LINGERING] = true;
  patched.destroySoon = () => {
    socket.end();
    const timer = setTimeout(() => socket.destroy(), LINGER_MS);
    timer.unref();
    socket.once('close', () => clearTimeout(timer));
  };
}
const LINGERING = Symbol('limits.lingering');

/**
 * The malformed-request answer for a listener made with SERVER_OPTIONS (RFC 9112 §2.2: a server may
 * answer a request it cannot parse with 400, and close). Every server the host starts goes through here.
 */
export function hardenServer<T extends Server>(server: T): T {
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Duplex) => answerClientError(err, socket));
  return server;
}

/** What Node's parser could not take, as the JSON envelope (Node's own answer is an empty 400 or 431). */
export function answerClientError(err: NodeJS.ErrnoException, socket: Duplex): void {
  // The client went away: nobody to answer.
  if (err.code === 'ECONNRESET' || !socket.writable) {
    socket.destroy();
    return;
  }
  const [status, reason, message] =
    err.code === 'HPE_HEADER_OVERFLOW' ? [431, 'Request Header Fields Too Large', 'The request headers are too large.']
    : err.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? [408, 'Request Timeout', 'The request took too long to arrive.']
    : err.code === 'HPE_CHUNK_EXTENSIONS_OVERFLOW' || err.code === 'HPE_INVALID_CHUNK_SIZE' ? [400, 'Bad Request', 'The chunked body is malformed.']
    : [400, 'Bad Request', 'The request is not valid HTTP/1.1.'];
  const body = JSON.stringify({ error: 'invalid_request', message });
  // The socket may already carry part of an answer (a timeout mid-response): then only closing is left.
  if ((socket as Duplex & { _httpMessage?: { headersSent?: boolean } })._httpMessage?.headersSent) {
    socket.destroy();
    return;
  }
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
      `Cache-Control: no-store\r\nConnection: close\r\n\r\n${body}`,
  );
}
