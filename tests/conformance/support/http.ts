/** Plain-fetch helpers and the assertions every error response must pass (PROTOCOL.md preamble). */
import { expect } from 'vitest';

export interface Res {
  status: number;
  headers: Headers;
  text: string;
  /** Parsed JSON body, or undefined when the body is not JSON. */
  json: any;
  /** One line for failure messages: the exact request and response. */
  describe: string;
}

const TIMEOUT_MS = 10_000;

export async function request(method: string, url: string, init: { body?: string | Uint8Array; headers?: Record<string, string> } = {}): Promise<Res> {
  const r = await fetch(url, { method, body: init.body as any, headers: init.headers, signal: AbortSignal.timeout(TIMEOUT_MS), redirect: 'manual' });
  const text = await r.text();
  let json: any;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  const reqBody = typeof init.body === 'string' ? init.body.slice(0, 300) : init.body ? `<${init.body.length} bytes>` : '';
  return {
    status: r.status,
    headers: r.headers,
    text,
    json,
    describe: `${method} ${url} ${reqBody}\n→ ${r.status} ${r.headers.get('content-type') ?? ''} ${
      r.headers.get('www-authenticate') ? `WWW-Authenticate: ${r.headers.get('www-authenticate')} ` : ''
    }${text.slice(0, 500)}`,
  };
}

export const get = (url: string, headers?: Record<string, string>) => request('GET', url, { headers });

export const postJson = (url: string, body: unknown, headers: Record<string, string> = {}) =>
  request('POST', url, { body: JSON.stringify(body), headers: { 'content-type': 'application/json', ...headers } });

export const postForm = (url: string, fields: Record<string, string>) =>
  request('POST', url, { body: new URLSearchParams(fields).toString(), headers: { 'content-type': 'application/x-www-form-urlencoded' } });

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

/** No stack traces, file paths or HTML in an error body. */
export function expectNoLeak(res: Res) {
  expect(res.text, `leaks internals: ${res.describe}`).not.toMatch(/\n\s+at\s|\bat [\w.<>]+ \(|node_modules|\.ts:\d+|<html|<!doctype/i);
}

/** `{"error": code, "message": "…"}` with exactly this status (PROTOCOL.md preamble). */
export function expectError(res: Res, status: number, code: string) {
  expect({ status: res.status, error: res.json?.error }, res.describe).toEqual({ status, error: code });
  expect(res.headers.get('content-type') ?? '', res.describe).toMatch(/^application\/json/);
  expect(typeof res.json.message, `message must be a string: ${res.describe}`).toBe('string');
  expect(res.json.message.length, res.describe).toBeGreaterThan(0);
  expectNoLeak(res);
}

/** RFC 6749 §5.2: `{"error", "error_description"}` on the token endpoints. */
export function expectOAuthError(res: Res, status: number, code: string) {
  expect({ status: res.status, error: res.json?.error }, res.describe).toEqual({ status, error: code });
  expect(res.headers.get('content-type') ?? '', res.describe).toMatch(/^application\/json/);
  expect(typeof res.json.error_description, `error_description must be a string: ${res.describe}`).toBe('string');
  expectNoLeak(res);
}

export function expectOk(res: Res, status = 200) {
  expect(res.status, res.describe).toBe(status);
  // application/json, or a +json type such as RFC 7517's application/jwk-set+json.
  if (status !== 204) expect(res.headers.get('content-type') ?? '', res.describe).toMatch(/^application\/([\w.-]+\+)?json/);
}

/** Parse `Bearer a="b", c="d"` into { a: 'b', c: 'd' } (RFC 6750 §3). */
export function parseBearerChallenge(header: string | null): Record<string, string> {
  expect(header, 'WWW-Authenticate header').toBeTruthy();
  expect(header!).toMatch(/^Bearer /);
  const params: Record<string, string> = {};
  for (const m of header!.slice(7).matchAll(/([a-z_]+)="([^"]*)"/g)) params[m[1]] = m[2];
  return params;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A client's mistake: a 4xx (never a 5xx), the JSON envelope, nothing leaked (PROTOCOL.md preamble). */
export function expectClientError(res: Res) {
  expect(res.status, res.describe).toBeGreaterThanOrEqual(400);
  expect(res.status, res.describe).toBeLessThan(500);
  expect(res.headers.get('content-type') ?? '', res.describe).toMatch(/^application\/json/);
  expect(typeof res.json?.error, res.describe).toBe('string');
  expectNoLeak(res);
}
