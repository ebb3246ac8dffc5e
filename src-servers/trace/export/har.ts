/**
 * The trace as HAR 1.2 (http://www.softwareishard.com/blog/har-12-spec/), so it opens in browser
 * devtools and HTTP tools. Who called whom and the flow step travel in custom `_from`/`_to`/`_step`
 * fields (the spec allows custom fields that start with an underscore).
 */
import { headerValue, mediaType } from '../body.js';
import type { Exchange, TraceMeta } from '../types.js';
import { byStart } from './order.js';
import { statusText, traceProfiles } from './summary.js';

interface NameValue { name: string; value: string }

const CREATOR = { name: 'Agentic Registration Studio', version: '0.1.0' };
const HTTP_VERSION = 'HTTP/1.1';

export function toHar(trace: TraceMeta, exchanges: Exchange[]): string {
  const profiles = traceProfiles(exchanges);
  // HAR 1.2 `comment` (optional on log): the protocol profile the run's service spoke (DESIGN.md rule 8).
  const comment = profiles.length ? `${trace.title} — profile ${profiles.join(', ')}` : undefined;
  const har = {
    log: {
      version: '1.2',
      creator: CREATOR,
      ...(comment ? { comment } : {}),
      pages: [{ startedDateTime: trace.startedAt, id: trace.id, title: trace.title, pageTimings: { onContentLoad: -1, onLoad: -1 } }],
      entries: byStart(exchanges).map((e) => harEntry(e, trace.id)),
    },
  };
  return JSON.stringify(har, null, 2);
}

function harEntry(e: Exchange, pageref: string) {
  const requestType = headerValue(e.requestHeaders, 'content-type');
  const responseType = headerValue(e.responseHeaders, 'content-type');
  return {
    pageref,
    startedDateTime: e.startedAt,
    time: e.durationMs,
    request: {
      method: e.method,
      url: e.url,
      httpVersion: HTTP_VERSION,
      cookies: requestCookies(headerValue(e.requestHeaders, 'cookie')),
      headers: toNameValues(e.requestHeaders),
      queryString: queryString(e.url),
      ...(e.requestBody !== null ? { postData: postData(e.requestBody, requestType) } : {}),
      headersSize: -1,
      bodySize: e.requestBody === null ? 0 : Buffer.byteLength(e.requestBody),
    },
    response: {
      status: e.status,
      statusText: statusText(e.status, e.method),
      httpVersion: HTTP_VERSION,
      cookies: responseCookies(headerValue(e.responseHeaders, 'set-cookie')),
      headers: toNameValues(e.responseHeaders),
      content: {
        size: e.responseBody === null ? 0 : Buffer.byteLength(e.responseBody),
        mimeType: responseType ?? '',
        text: e.responseBody ?? '',
      },
      redirectURL: headerValue(e.responseHeaders, 'location') ?? '',
      headersSize: -1,
      bodySize: e.responseBody === null ? 0 : Buffer.byteLength(e.responseBody),
    },
    cache: {},
    // We time the whole exchange, not its phases: all of it counts as waiting for the answer.
    timings: { blocked: -1, dns: -1, connect: -1, send: 0, wait: e.durationMs, receive: 0, ssl: -1 },
    _id: e.id,
    _seq: e.seq,
    _from: e.from,
    ...(e.fromLabel ? { _fromLabel: e.fromLabel } : {}),
    _to: e.to,
    ...(e.toLabel ? { _toLabel: e.toLabel } : {}),
    ...(e.serviceProfile ? { _serviceProfile: e.serviceProfile } : {}),
    ...(e.step ? { _step: e.step } : {}),
    ...(e.error ? { _error: e.error } : {}),
    _jwts: e.jwts,
    _secrets: e.secrets,
  };
}

/** Set-Cookie stays one header per cookie, as on the wire. */
function toNameValues(headers: Record<string, string>): NameValue[] {
  return Object.entries(headers).flatMap(([name, value]) =>
    name === 'set-cookie' ? value.split('\n').map((v) => ({ name, value: v })) : [{ name, value }],
  );
}

function queryString(url: string): NameValue[] {
  try {
    return [...new URL(url).searchParams].map(([name, value]) => ({ name, value }));
  } catch {
    return [];
  }
}

/** HAR 1.2 postData: `text` always; `params` too for an HTML form body. */
function postData(text: string, contentType: string | undefined) {
  const mimeType = contentType ?? '';
  if (mediaType(contentType) === 'application/x-www-form-urlencoded') {
    return { mimeType, text, params: [...new URLSearchParams(text)].map(([name, value]) => ({ name, value })) };
  }
  return { mimeType, text };
}

/** RFC 6265 §4.2.1: "Cookie: a=1; b=2". */
function requestCookies(header: string | undefined): NameValue[] {
  if (!header) return [];
  return header.split(';').map((pair) => pair.trim()).filter(Boolean).map((pair) => {
    const eq = pair.indexOf('=');
    return eq < 0 ? { name: pair, value: '' } : { name: pair.slice(0, eq), value: pair.slice(eq + 1) };
  });
}

/** RFC 6265 §4.1.1: one "name=value; Attr…" per line (we keep Set-Cookie lines apart with "\n"). */
function responseCookies(header: string | undefined) {
  if (!header) return [];
  return header.split('\n').filter(Boolean).map((line) => {
    const [pair, ...attrs] = line.split(';').map((s) => s.trim());
    const eq = pair.indexOf('=');
    const cookie: Record<string, string | boolean> = eq < 0 ? { name: pair, value: '' } : { name: pair.slice(0, eq), value: pair.slice(eq + 1) };
    for (const attr of attrs) {
      const [k, v = ''] = attr.split('=');
      const key = k.toLowerCase();
      if (key === 'path') cookie.path = v;
      else if (key === 'domain') cookie.domain = v;
      else if (key === 'expires') cookie.expires = Number.isNaN(Date.parse(v)) ? v : new Date(v).toISOString();
      else if (key === 'httponly') cookie.httpOnly = true;
      else if (key === 'secure') cookie.secure = true;
    }
    return cookie;
  });
}
