import type { Exchange } from './types.js';

/** One HTTP call of the runner: the answer plus the exchange that goes into the evidence. */
export interface Res {
  status: number;
  headers: Headers;
  text: string;
  /** Parsed JSON body when the body parses, whatever the content type says. */
  json: any;
  contentType: string;
}

export interface SendOptions {
  json?: unknown;
  body?: string | Uint8Array;
  contentType?: string;
  bearer?: string;
  headers?: Record<string, string>;
}

const TIMEOUT_MS = 10_000;
const KEEP = 2000;

function clip(text: string): string {
  return text.length > KEEP ? `${text.slice(0, KEEP)}… (${text.length} chars)` : text;
}

/** Credentials the runner itself was issued are masked in the evidence, as a report is shared. */
function mask(text: string): string {
  return text.replace(/\b(sk_test_|clm_|cvt_|cv_)[A-Za-z0-9_-]{6,}/g, '$1…').replace(/"(access_token|credential)":"[^"]{12,}"/g, '"$1":"…"');
}

/** A fetch wrapper that logs every exchange into `log` (the current check's evidence). */
export class Client {
  constructor(
    readonly log: Exchange[],
    private readonly fetchFn: typeof fetch = fetch,
  ) {}

  async send(method: string, url: string, opts: SendOptions = {}): Promise<Res> {
    const headers: Record<string, string> = { accept: 'application/json', ...opts.headers };
    let body: string | Uint8Array | undefined = opts.body;
    if (opts.json !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(opts.json);
    } else if (opts.body !== undefined && opts.contentType) headers['content-type'] = opts.contentType;
    // RFC 6750 §2.1: the bearer goes in the Authorization header.
    if (opts.bearer) headers.authorization = `Bearer ${opts.bearer}`;
    const ex: Exchange = {
      method,
      url: mask(url),
      // A session cookie the runner holds is a credential too: the evidence names it, not its value.
      requestHeaders: { ...headers, ...(headers.authorization ? { authorization: 'Bearer …' } : {}), ...(headers.cookie ? { cookie: headers.cookie.replace(/=[^;]*/g, '=…') } : {}) },
      requestBody: body === undefined ? undefined : typeof body === 'string' ? mask(clip(body)) : `<${body.length} bytes>`,
    };
    this.log.push(ex);
    let r: Response;
    try {
      r = await this.fetchFn(url, { method, headers, body: body as string | undefined, redirect: 'manual', signal: AbortSignal.timeout(TIMEOUT_MS) });
    } catch (err) {
      const cause = (err as { cause?: { code?: string } }).cause;
      ex.error = cause?.code ?? (err as Error).message;
      throw new Unreachable(`${method} ${url}: no answer (${ex.error})`);
    }
    const text = await r.text().catch(() => '');
    ex.status = r.status;
    ex.responseHeaders = Object.fromEntries(r.headers);
    if (ex.responseHeaders['set-cookie']) ex.responseHeaders['set-cookie'] = ex.responseHeaders['set-cookie'].replace(/^([^=]+)=[^;]*/, '$1=…');
    ex.responseBody = mask(clip(text));
    let json: any;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    return { status: r.status, headers: r.headers, text, json, contentType: r.headers.get('content-type') ?? '' };
  }

  get = (url: string, opts?: SendOptions) => this.send('GET', url, opts);
  post = (url: string, opts?: SendOptions) => this.send('POST', url, opts);
}

/** The target did not answer at all: the check fails with that, not with a crash of the runner. */
export class Unreachable extends Error {}

/** One line for a message: `→ 500 text/html "<!doctype…"`. */
export function brief(res: Res): string {
  const body = res.text.replace(/\s+/g, ' ').slice(0, 160);
  return `${res.status} ${res.contentType || '(no content type)'} ${JSON.stringify(body)}`;
}
