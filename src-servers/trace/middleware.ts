/**
 * The recording middleware a role installs first on its app. It watches the request body go by
 * (without consuming it, so express.json / express.urlencoded / express.text still parse it), wraps
 * the response's write/end to see the body sent, and records one Exchange when the response is done.
 */
import type { AsyncLocalStorage } from 'node:async_hooks';
import type { IncomingHttpHeaders } from 'node:http';
import type { Request, RequestHandler, Response } from 'express';
import { BodyCapture, flattenHeaders } from './capture.js';
import { roundMs, wireTime } from './clock.js';
import { ACTOR_HEADER, isActor, PROFILE_HEADER, STEP_HEADER, type Actor, type Exchange } from './types.js';
import { isProfileId } from '../protocol/profiles.js';

export type RecordInput = Partial<Exchange> & Pick<Exchange, 'from' | 'to' | 'method' | 'url' | 'status'>;

export interface MiddlewareContext {
  /**
   * Queues an exchange: `build` runs later, off the request path (the recorder's next tick or a
   * read), so only what went over the wire is kept until then.
   */
  capture(from: Actor, build: () => RecordInput, startedIn?: string): void;
  /** The trace current now: a request is filed where it arrived, even if a run ends before it is answered. */
  currentTrace(): string;
  /** True for the recorder's own background requests (JWKS fetches), which are not part of any flow. */
  isInternal(headers: IncomingHttpHeaders): boolean;
  now(): number;
  /** The step of the request being handled, so calls the role makes meanwhile (JWKS, CIMD, logout token) carry it too. */
  stepContext: AsyncLocalStorage<{ step?: string }>;
  /** Marks a request as being handled by `role` until the returned function is called. */
  handling(role: Actor, step: string | undefined): () => void;
}

/** A request seen by an outer app's recorder is not recorded again by a mounted inner app. */
const RECORDED = Symbol('trace.recorded');

/**
 * Who called (the Actor of protocol/trace.ts): our own callers say so in ACTOR_HEADER; a browser sends
 * Fetch Metadata (`Sec-Fetch-Mode`, W3C Fetch Metadata §2); anything else is an outside client,
 * labelled by its User-Agent.
 */
export function identifyCaller(headers: IncomingHttpHeaders): { from: Actor; fromLabel?: string } {
  const declared = headerString(headers[ACTOR_HEADER]);
  if (isActor(declared)) return { from: declared };
  if (isBrowser(headers)) return { from: 'User' };
  return { from: 'External client', fromLabel: headerString(headers['user-agent']) || 'unknown client' };
}

/**
 * Node's own fetch (undici) adds `Sec-Fetch-Mode: cors` to every request and no other Fetch Metadata,
 * so a script (an LLM agent in Node, whatever User-Agent it claims) would pass for a browser on that
 * header alone. Browsers always send Sec-Fetch-Site and Sec-Fetch-Dest with it; a lone mode other
 * than "cors" (e.g. "navigate") is also taken as a browser.
 */
function isBrowser(headers: IncomingHttpHeaders): boolean {
  const mode = headerString(headers['sec-fetch-mode']);
  if (mode === undefined) return false;
  return headers['sec-fetch-site'] !== undefined || headers['sec-fetch-dest'] !== undefined || mode.toLowerCase() !== 'cors';
}

/**
 * The profile of the Service side of a request: this role's own when it is a service that said which,
 * else the calling service's (PROFILE_HEADER, only a known profile id; DESIGN.md rule 8).
 */
function serviceProfileOf(role: Actor, own: string | undefined, from: Actor, headers: IncomingHttpHeaders): string | undefined {
  if (role === 'Service') return own;
  const declared = headerString(headers[PROFILE_HEADER]);
  return from === 'Service' && isProfileId(declared) ? declared : undefined;
}

export function createRecordingMiddleware(
  role: 'Service' | 'Provider' | 'Inbox',
  ctx: MiddlewareContext,
  opts: { profile?: string } = {},
): RequestHandler {
  return (req, res, next) => {
    const tagged = req as Request & { [RECORDED]?: boolean };
    if (tagged[RECORDED] || ctx.isInternal(req.headers)) return next();
    tagged[RECORDED] = true;

    const startedAt = ctx.now();
    const start = wireTime();
    // RFC 9112 §6.3: a request with neither Content-Length nor Transfer-Encoding has no body, so
    // there is nothing to tap (most reads): no per-event wrapper on its stream.
    const requestBody = hasBody(req) ? watchRequestBody(req) : null;
    const response = watchResponse(res);
    const { from, fromLabel } = identifyCaller(req.headers);
    const serviceProfile = serviceProfileOf(role, opts.profile, from, req.headers);
    const step = decodeStep(headerString(req.headers[STEP_HEADER]));
    const method = req.method;
    // Taken now: Express rewrites req.url while routing (originalUrl stays); the rest is joined later.
    const path = req.originalUrl || req.url;
    const scheme = (req.socket as { encrypted?: boolean }).encrypted ? 'https' : 'http';
    const host = req.headers.host ?? `${req.socket.localAddress}:${req.socket.localPort}`;

    let recorded = false;
    let end = start;
    const done = ctx.handling(role, step);
    const startedIn = ctx.currentTrace();
    const record = (error?: string) => {
      if (recorded) return;
      recorded = true;
      done();
      // Taken now, as they are at the end: the status and what was sent; everything else is decoded later.
      const sentHeaders = response.headers();
      const status = error && !res.headersSent ? 0 : res.statusCode;
      const timing = { start, end };
      try {
        ctx.capture(from, () => {
          const requestHeaders = flattenHeaders(req.headers);
          const responseHeaders = flattenHeaders(sentHeaders);
          const url = `${scheme}://${host}${path}`;
          return {
            from, ...(fromLabel ? { fromLabel } : {}), to: role, ...(step ? { step } : {}),
            ...(serviceProfile ? { serviceProfile } : {}),
            method, url, requestHeaders,
            requestBody: requestBody?.text(requestHeaders) ?? parsedBodyFallback(req),
            // A client that hung up before any answer was sent got none: status 0, as for a failed fetch.
            status, responseHeaders,
            responseBody: response.body.text(responseHeaders),
            startedAt: new Date(startedAt).toISOString(),
            durationMs: roundMs(end - start),
            timing,
            ...(error ? { error } : {}),
          };
        }, startedIn);
      } catch {
        // Recording is an observer: a failure here must not break the role.
      }
    };

    // The request body may still be arriving when the response is done (a handler that answers without
    // reading it): wait for its end, and let Node's usual dump of an unread body flow past our tap.
    const whenRequestDone = (then: () => void) => {
      if (req.readableEnded || req.destroyed) return then();
      let called = false;
      const once = () => { if (!called) { called = true; then(); } };
      req.once('end', once).once('close', once).once('error', once);
      req.resume();
    };
    res.once('finish', () => {
      end = wireTime();
      whenRequestDone(() => record());
    });
    res.once('close', () => {
      if (res.writableFinished) return;
      end = wireTime();
      record('the connection closed before the response was complete');
    });
    ctx.stepContext.run({ step }, next);
  };
}

function hasBody(req: Request): boolean {
  const length = req.headers['content-length'];
  return req.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

/** Taps 'data' events as the request stream emits them to whoever consumes it; consumes nothing itself. */
function watchRequestBody(req: Request): BodyCapture {
  const capture = new BodyCapture();
  const emit = req.emit;
  req.emit = function (this: Request, event: string | symbol, ...args: unknown[]) {
    if (event === 'data') capture.add(args[0]);
    return emit.call(this, event, ...args);
  } as Request['emit'];
  return capture;
}

/** Wraps write/end/writeHead to see the bytes and headers the handler sends. */
function watchResponse(res: Response) {
  const body = new BodyCapture();
  let headersFromWriteHead: Record<string, string | string[] | number> | [string, string][] | undefined;
  const state = {
    body,
    /** The headers sent, unflattened (the recorder flattens them later): writeHead's own win. */
    headers: (): [string, string][] => {
      const set = Object.entries(res.getHeaders()) as [string, string][];
      if (!headersFromWriteHead) return set;
      const extra = (Array.isArray(headersFromWriteHead) ? headersFromWriteHead : Object.entries(headersFromWriteHead)) as [string, string][];
      const overridden = new Set(extra.map(([k]) => k.toLowerCase()));
      return [...set.filter(([k]) => !overridden.has(k)), ...extra];
    },
  };

  const write = res.write;
  res.write = function (this: Response, chunk: unknown, ...rest: unknown[]) {
    body.add(chunk, typeof rest[0] === 'string' ? (rest[0] as BufferEncoding) : undefined);
    return (write as (...a: unknown[]) => boolean).call(this, chunk, ...rest);
  } as Response['write'];

  const end = res.end;
  res.end = function (this: Response, chunk?: unknown, ...rest: unknown[]) {
    if (chunk !== undefined && typeof chunk !== 'function') body.add(chunk, typeof rest[0] === 'string' ? (rest[0] as BufferEncoding) : undefined);
    return (end as (...a: unknown[]) => Response).call(this, chunk, ...rest);
  } as Response['end'];

  // Headers passed straight to writeHead() never show up in getHeaders().
  const writeHead = res.writeHead;
  res.writeHead = function (this: Response, ...args: unknown[]) {
    const headers = args.find((a, i) => i > 0 && a !== null && typeof a === 'object');
    if (Array.isArray(headers)) headersFromWriteHead = pairs(headers as unknown[]);
    else if (headers) headersFromWriteHead = headers as Record<string, string>;
    return (writeHead as (...a: unknown[]) => Response).apply(this, args);
  } as Response['writeHead'];

  return state;
}

/** When another middleware read the stream before ours ran, show what the body parser made of it. */
function parsedBodyFallback(req: Request): string | null {
  const raw = (req as Request & { rawBody?: unknown }).rawBody;
  if (typeof raw === 'string') return raw;
  if (raw instanceof Uint8Array) return Buffer.from(raw).toString('utf8');
  const body = req.body as unknown;
  if (body === undefined || body === null) return null;
  if (typeof body === 'string') return body;
  if (body instanceof Uint8Array) return Buffer.from(body).toString('utf8');
  if (typeof body === 'object' && Object.keys(body).length === 0) return null;
  try {
    return JSON.stringify(body);
  } catch {
    return null;
  }
}

/** writeHead also takes a flat [name, value, name, value, …] array. */
function pairs(list: unknown[]): [string, string][] {
  if (list.every(Array.isArray)) return list as [string, string][];
  const out: [string, string][] = [];
  for (let i = 0; i + 1 < list.length; i += 2) out.push([String(list[i]), String(list[i + 1])]);
  return out;
}

function headerString(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function decodeStep(value: string | undefined): string | undefined {
  if (!value) return undefined;
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}
