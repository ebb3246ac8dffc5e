import type { RequestHandler } from 'express';
import { z } from 'zod';
import { ProtocolError } from '../protocol/errors.js';

/**
 * DNS-rebinding defence (DESIGN.md rule 10; PROTOCOL.md §9 "Loopback"): a page on evil.example can
 * point its own name at 127.0.0.1 and then talk to us as same-origin, but its requests still say
 * `Host: evil.example:P`. So every server answers only the loopback names of the port it listens on
 * (RFC 9110 §7.2: Host names the target; `[::1]` as RFC 3986 §3.2.2 writes it) plus any public
 * names a config lists; anything else is `421 Misdirected Request` (RFC 9110 §15.5.20), before any route.
 */
export function hostAllowList(publicNames: readonly string[] = []): RequestHandler {
  const extra = new Set(publicNames.map((n) => n.toLowerCase()));
  return (req, res, next) => {
    const host = (req.headers.host ?? '').toLowerCase();
    const port = req.socket.localPort;
    if (host && (extra.has(host) || isLoopbackHost(host, port))) return next();
    const said = host ? `"${host.slice(0, 100)}"` : 'nothing';
    // Through the role's one error handler (http/errors.ts), like every other refusal.
    next(new ProtocolError('misdirected_request',
      `This server answers only to 127.0.0.1:${port}, localhost:${port} or [::1]:${port}; the Host header said ${said}.`));
  };
}

const LOOPBACK_NAMES = ['127.0.0.1', 'localhost', '[::1]'];

/** `name:port` for a loopback name and our own port; the bare name only when the port is HTTP's default (RFC 9110 §7.2). */
export function isLoopbackHost(host: string, port: number | undefined): boolean {
  return LOOPBACK_NAMES.some((name) => host === `${name}:${port}` || (port === 80 && host === name));
}

/**
 * A config's extra Host values (PROTOCOL.md §9 `allowedHosts`): exactly what a client behind a
 * tunnel or proxy sends, `name` or `name:port` (RFC 9110 §7.2) — no scheme, no path.
 */
export const allowedHostsSchema = z
  .array(z.string().regex(/^(\[[0-9a-f:.]+\]|[a-z0-9-]+(\.[a-z0-9-]+)*\.?)(:\d{1,5})?$/i, 'must be a Host header value: name or name:port'))
  .optional();
