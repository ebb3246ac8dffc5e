import express, { type RequestHandler } from 'express';
import type { z } from 'zod';
import { MAX_BODY_BYTES } from '../protocol/constants.js';
import { ProtocolError } from '../protocol/errors.js';
import { limitRequestBody } from './limits.js';

/**
 * Body parsers with PROTOCOL.md's size limit: JSON (and `+json` types, RFC 6839 §3.1), url-encoded
 * forms (HTML forms and RFC 6749 §3.2 token requests) and, when a role asks, whole-body text types
 * (the logout token, PROTOCOL.md §4). Their failures are turned into the envelope by errors.ts.
 * The wire bytes are capped first (limits.ts), the inflated bytes by each parser's `limit`.
 */
export function bodyParsers(opts: { text?: string[] } = {}): RequestHandler[] {
  return [
    limitRequestBody(MAX_BODY_BYTES),
    express.json({ limit: MAX_BODY_BYTES, type: ['application/json', 'application/*+json'] }),
    express.urlencoded({ limit: MAX_BODY_BYTES, extended: false, parameterLimit: 100 }),
    ...(opts.text?.length ? [express.text({ limit: MAX_BODY_BYTES, type: opts.text })] : []),
  ];
}

/**
 * Validate a parsed body with zod, or throw `invalid_request` naming what is wrong (PROTOCOL.md:
 * never a 5xx for bad input). No body at all is an empty object, so an endpoint whose fields are
 * all optional needs none; when that still fails, the fix is to send JSON at all.
 */
export function parseBody<T extends z.ZodType>(schema: T, body: unknown): z.infer<T> {
  const result = schema.safeParse(body ?? {});
  if (result.success) return result.data;
  if (body === undefined) throw new ProtocolError('invalid_request', 'Send a JSON body with Content-Type: application/json.');
  const problems = result.error.issues.slice(0, 3).map((i) => `${i.path.join('.') || 'body'}: ${i.message}`);
  throw new ProtocolError('invalid_request', problems.join('; '));
}
