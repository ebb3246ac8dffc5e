import { brief, type Res } from '../http.js';
import { fail } from '../types.js';

/** PROTOCOL.md preamble: `{"error": code, "message": text}`, JSON, this status. */
export function expectError(res: Res, status: number | readonly number[], code: string | readonly string[], what: string): void {
  const statuses = typeof status === 'number' ? [status] : status;
  const codes = typeof code === 'string' ? [code] : code;
  const want = `${statuses.join('/')} ${codes.join(' or ')}`;
  if (res.status >= 500) fail(`${what}: answered ${brief(res)} — a 5xx for the client's mistake; wanted ${want}.`);
  if (!statuses.includes(res.status) || !codes.includes(res.json?.error))
    fail(`${what}: wanted ${want}, got ${res.status} ${res.json?.error ?? '(no error code)'} — ${brief(res)}`);
  expectEnvelope(res, what);
}

/** The error envelope alone: JSON content type, a string code and a non-empty message, no stack trace. */
export function expectEnvelope(res: Res, what: string): void {
  if (!/^application\/json/i.test(res.contentType)) fail(`${what}: the error is ${res.contentType || 'untyped'}, not application/json — ${brief(res)}`);
  if (typeof res.json?.error !== 'string') fail(`${what}: the body has no "error" code — ${brief(res)}`);
  if (typeof res.json?.message !== 'string' || !res.json.message) fail(`${what}: the body has no "message" — ${brief(res)}`);
  if (/\n\s+at\s|node_modules|\.[jt]s:\d+:\d+/.test(res.text)) fail(`${what}: the error body leaks a stack trace — ${brief(res)}`);
}

/** Any 4xx with the JSON envelope (bad-input checks accept any fitting client error). */
export function expectClientError(res: Res, what: string): void {
  if (res.status < 400 || res.status >= 500) fail(`${what}: wanted a 4xx JSON error, got ${brief(res)}`);
  expectEnvelope(res, what);
}
