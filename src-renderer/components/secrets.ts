import type { Exchange } from '../types';

/**
 * Secrets in a recorded exchange (API keys, claim tokens, OTPs, bearer tokens) are listed by the
 * recorder as dotted paths, e.g. "response.body.credential". The inspector masks them until the
 * person asks to see them; the masked form keeps the recognisable prefix (sk_test_, clm_, Bearer).
 */
export function maskValue(value: string): string {
  const m = /^(Bearer\s+|Basic\s+)?([A-Za-z]{2,4}_(?:test_)?)?/.exec(value);
  const keep = m ? m[0] : '';
  return `${keep}${'•'.repeat(Math.min(12, Math.max(6, value.length - keep.length)))}`;
}

type Side = 'request' | 'response';

function secretKeys(secrets: string[], side: Side, part: 'body' | 'headers'): string[][] {
  const prefix = `${side}.${part}`;
  return secrets
    .filter((p) => p === prefix || p.startsWith(`${prefix}.`))
    .map((p) => (p === prefix ? [] : p.slice(prefix.length + 1).split('.')));
}

function maskAt(obj: unknown, path: string[]): void {
  if (!obj || typeof obj !== 'object' || !path.length) return;
  const [head, ...rest] = path;
  const rec = obj as Record<string, unknown>;
  if (!(head in rec)) return;
  if (rest.length) maskAt(rec[head], rest);
  else if (typeof rec[head] === 'string') rec[head] = maskValue(rec[head] as string);
  else rec[head] = '••••••';
}

export function maskedHeaders(e: Exchange, side: Side, reveal: boolean): Record<string, string> {
  const headers = { ...(side === 'request' ? e.requestHeaders : e.responseHeaders) };
  if (reveal) return headers;
  for (const [name] of secretKeys(e.secrets, side, 'headers')) {
    const key = Object.keys(headers).find((k) => k.toLowerCase() === name?.toLowerCase());
    if (key) headers[key] = maskValue(headers[key]);
  }
  return headers;
}

export function isJson(text: string): boolean {
  const t = text.trimStart();
  if (!t.startsWith('{') && !t.startsWith('[')) return false;
  try {
    JSON.parse(t);
    return true;
  } catch {
    return false;
  }
}

/** The body as a person wants to read it: pretty JSON, form fields one per line, secrets masked. */
export function prettyBody(e: Exchange, side: Side, reveal: boolean): string | null {
  const raw = side === 'request' ? e.requestBody : e.responseBody;
  if (raw === null || raw === '') return null;
  const paths = reveal ? [] : secretKeys(e.secrets, side, 'body');
  if (paths.some((p) => p.length === 0)) return maskValue(raw);
  if (isJson(raw)) {
    const data = JSON.parse(raw) as unknown;
    for (const p of paths) maskAt(data, p);
    return JSON.stringify(data, null, 2);
  }
  const headers = side === 'request' ? e.requestHeaders : e.responseHeaders;
  const type = Object.entries(headers).find(([k]) => k.toLowerCase() === 'content-type')?.[1] ?? '';
  if (type.includes('application/x-www-form-urlencoded')) {
    const form = new URLSearchParams(raw);
    const lines: string[] = [];
    for (const [k, v] of form) lines.push(`${k} = ${paths.some((p) => p[0] === k) ? maskValue(v) : v}`);
    return lines.join('\n');
  }
  return raw;
}

/**
 * The URL with its secret query values masked (the claim link's token, PROTOCOL.md §3). Rebuilt by
 * hand: URLSearchParams would percent-encode the mask's bullets.
 */
export function maskedUrl(e: Exchange, reveal: boolean): string {
  const names = e.secrets.filter((p) => p.startsWith('request.query.')).map((p) => p.slice('request.query.'.length));
  const at = e.url.indexOf('?');
  if (reveal || !names.length || at < 0) return e.url;
  const [query, hash = ''] = e.url.slice(at + 1).split('#');
  const pairs = query.split('&').map((pair) => {
    const [k, ...v] = pair.split('=');
    let name = k;
    try {
      name = decodeURIComponent(k.replace(/\+/g, ' '));
    } catch {
      /* a malformed escape: compare as sent */
    }
    return names.includes(name) ? `${k}=${maskValue(v.join('='))}` : pair;
  });
  return `${e.url.slice(0, at)}?${pairs.join('&')}${hash ? `#${hash}` : ''}`;
}

/** The exchange with its request secrets masked (for showing a curl command on screen). */
export function maskedRequest(e: Exchange): Exchange {
  const paths = secretKeys(e.secrets, 'request', 'body');
  let body = e.requestBody;
  if (body && paths.length) {
    if (paths.some((p) => p.length === 0)) body = maskValue(body);
    else if (isJson(body)) {
      const data = JSON.parse(body) as unknown;
      for (const p of paths) maskAt(data, p);
      body = JSON.stringify(data);
    } else {
      const form = new URLSearchParams(body);
      for (const p of paths) if (form.has(p[0])) form.set(p[0], maskValue(form.get(p[0]) ?? ''));
      body = [...form].map(([k, v]) => `${encodeURIComponent(k)}=${v}`).join('&');
    }
  }
  return { ...e, url: maskedUrl(e, false), requestHeaders: maskedHeaders(e, 'request', false), requestBody: body };
}
