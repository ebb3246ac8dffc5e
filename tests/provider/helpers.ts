import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { openDatabase, type Db } from '../../src-servers/db/sqlite.js';
import { createProvider, providerMigrations, type ProviderDeps, type ProviderHandle } from '../../src-servers/provider/index.js';

// jsdom ships no types (and @types/jsdom is not installed): load it untyped, expose a typed DOM.
const { JSDOM } = createRequire(import.meta.url)('jsdom') as { JSDOM: new (html: string, opts?: { url?: string }) => { window: Window } };

/** Parse an HTML page the way a browser would, resolving relative URLs against `url`. */
export function parseHtml(html: string, url?: string): Document {
  return new JSDOM(html, url ? { url } : {}).window.document;
}

/** A service issuer the tests ask consent for (nothing listens there unless a test says so). */
export const AUDIENCE = 'http://127.0.0.1:8000';

export class Clock {
  ms = Date.parse('2030-01-01T00:00:00Z');
  now = () => this.ms;
  advance(seconds: number) {
    this.ms += seconds * 1000;
  }
  get seconds() {
    return Math.floor(this.ms / 1000);
  }
}

export interface RunningProvider {
  handle: ProviderHandle;
  base: string;
  db: Db;
  clock: Clock;
  close(): Promise<void>;
}

/** A real provider on an ephemeral loopback port; its issuer is its own URL. */
export async function startProvider(
  opts: { dbFile?: string; keysFile?: string; clock?: Clock; idJagTtlSeconds?: number; fetch?: typeof fetch; log?: (l: string) => void } = {},
): Promise<RunningProvider> {
  const clock = opts.clock ?? new Clock();
  let app: ProviderHandle['app'] | undefined;
  const server = createServer((req, res) => app!(req, res));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const db = openDatabase(opts.dbFile ?? ':memory:', providerMigrations);
  const deps: ProviderDeps = {
    baseUrl: base,
    config: { idJagTtlSeconds: opts.idJagTtlSeconds ?? 300 },
    db,
    keysFile: opts.keysFile,
    now: clock.now,
    fetch: opts.fetch,
    log: opts.log,
  };
  let handle: ProviderHandle;
  try {
    handle = await createProvider(deps);
  } catch (err) {
    await new Promise((r) => server.close(r));
    db.close();
    throw err;
  }
  app = handle.app;
  return {
    handle,
    base,
    db,
    clock,
    async close() {
      handle.stop();
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
      db.close();
    },
  };
}

export async function call(
  method: string,
  url: string,
  opts: { json?: unknown; form?: Record<string, string>; bearer?: string; body?: string; contentType?: string } = {},
) {
  const headers: Record<string, string> = {};
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
  if (opts.bearer) headers.authorization = `Bearer ${opts.bearer}`;
  const res = await fetch(url, { method, headers, body });
  const text = await res.text();
  let json: any;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, text, json };
}

export async function login(base: string, email: string) {
  const r = await call('POST', `${base}/login`, { json: { email } });
  if (r.status !== 200) throw new Error(`login ${email}: ${r.status} ${r.text}`);
  return r.json as { session_token: string; id_token: string; user: { id: string; email: string } };
}

/**
 * Act as a browser: load the page, find the submit button with this accessible name, and submit
 * its form the way the browser would (inputs + the pressed button's name=value).
 */
export async function pressButton(pageUrl: string, label: string) {
  const page = await fetch(pageUrl);
  const doc = parseHtml(await page.text(), pageUrl);
  const button = [...doc.querySelectorAll('button')].find((b) => b.textContent?.trim() === label);
  if (!button?.form) throw new Error(`no "${label}" button in a form on ${pageUrl}`);
  const form = button.form;
  const fields = new URLSearchParams();
  for (const el of form.querySelectorAll('input')) {
    if (!el.name || ((el.type === 'radio' || el.type === 'checkbox') && !el.checked)) continue;
    fields.append(el.name, el.value);
  }
  if (button.name) fields.append(button.name, button.value);
  // A button's formaction/formmethod override the form's (HTML §4.10.18.6).
  const formaction = button.getAttribute('formaction');
  const action = formaction ? new URL(formaction, pageUrl).toString() : form.action;
  const method = button.getAttribute('formmethod') ?? form.method;
  const res = await fetch(action, {
    method: method.toUpperCase(),
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: fields.toString(),
  });
  return { status: res.status, html: await res.text(), action };
}

/** Ask alice's (or anyone's) consent and answer it on the real page. */
export async function grantConsent(base: string, session: string, choice: 'Allow once' | 'Always allow', extra: Record<string, unknown> = {}) {
  const req = await call('POST', `${base}/consent/requests`, { bearer: session, json: { audience: AUDIENCE, resource_name: 'Acme API', ...extra } });
  if (req.status !== 201) throw new Error(`consent request: ${req.status} ${req.text}`);
  const answer = await pressButton(req.json.consent_url, choice);
  if (answer.status !== 200) throw new Error(`consent answer: ${answer.status}`);
  return req.json.request_id as string;
}

/** A tiny HTTP server standing in for a service's revocation endpoint. */
export async function startReceiver(answer: { status: number; body: string } = { status: 200, body: '{"revoked":1}' }) {
  const received: { headers: IncomingMessage['headers']; body: string; method?: string; url?: string }[] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      received.push({ headers: req.headers, body, method: req.method, url: req.url });
      res.writeHead(answer.status, { 'content-type': 'application/json' }).end(answer.body);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/agent/auth/revoke`;
  return { url, received, close: () => new Promise((r) => server.close(r)) };
}
