/** A small HTTP helper for the agent and the simulated person: one call, one recorded exchange. */

export interface HttpResult {
  status: number;
  headers: Headers;
  text: string;
  /** The parsed JSON body, or undefined when the body is not JSON. */
  json: any;
  url: string;
}

export interface RequestOptions {
  json?: unknown;
  form?: Record<string, string>;
  body?: string;
  contentType?: string;
  bearer?: string;
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

export async function request(
  fetchFn: typeof fetch,
  method: string,
  url: string,
  opts: RequestOptions = {},
): Promise<HttpResult> {
  const headers: Record<string, string> = { accept: 'application/json, text/html;q=0.9, */*;q=0.5', ...opts.headers };
  let body: string | undefined;
  if (opts.json !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(opts.json);
  } else if (opts.form) {
    headers['content-type'] = 'application/x-www-form-urlencoded';
    body = new URLSearchParams(opts.form).toString();
  } else if (opts.body !== undefined) {
    headers['content-type'] = opts.contentType ?? 'text/plain';
    body = opts.body;
  }
  // RFC 6750 §2.1 — bearer credentials go in the Authorization header, never the query.
  if (opts.bearer) headers.authorization = `Bearer ${opts.bearer}`;
  let res: Response;
  try {
    res = await fetchFn(url, { method, headers, body, signal: opts.signal, redirect: 'manual' });
  } catch (err) {
    if (opts.signal?.aborted) throw err;
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    throw new Error(`I could not reach ${url} (${cause?.code ?? cause?.message ?? (err as Error).message}).`);
  }
  const text = await res.text();
  let json: any;
  if ((res.headers.get('content-type') ?? '').includes('json') && text) {
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
  }
  return { status: res.status, headers: res.headers, text, json, url };
}

/** The `error` code of a JSON error body (PROTOCOL.md envelope), if any. */
export function errorCode(r: HttpResult): string | undefined {
  return typeof r.json?.error === 'string' ? r.json.error : undefined;
}

/** A one-line description of an error answer, for narration. */
export function describeError(r: HttpResult): string {
  const code = errorCode(r);
  const msg = r.json?.message ?? r.json?.error_description;
  return code ? `${r.status} ${code}${msg ? ` — ${msg}` : ''}` : `${r.status}`;
}

/**
 * What was wrong with an answer that should have carried `expected`, for narration: its error when
 * it failed, else what its body lacked — a 200 that is not what was asked for is said as such.
 */
export function whatIsWrong(r: HttpResult, expected: string): string {
  if (r.status < 200 || r.status >= 300) return `answered ${describeError(r)}`;
  const type = r.headers.get('content-type') ?? 'no content type';
  if (r.json === undefined) return `answered ${r.status} with ${type}, not the JSON with ${expected} I need`;
  return `answered ${r.status} but has no ${expected}`;
}

/** RFC 9110 §10.2.3 — Retry-After is delay-seconds or an HTTP date. */
export function retryAfterSeconds(headers: Headers, now = Date.now()): number | undefined {
  const v = headers.get('retry-after');
  if (!v) return undefined;
  if (/^\d+$/.test(v.trim())) return Number(v.trim());
  const at = Date.parse(v);
  return Number.isNaN(at) ? undefined : Math.max(0, Math.ceil((at - now) / 1000));
}
