import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { randomUUID } from 'node:crypto';
import { SignJWT, base64url, type CryptoKey } from 'jose';
import { testIssuerKey } from './issuerKey.js';
import { EVENT_ASSERTION_REVOKED, ID_JAG_TYP, LOGOUT_TOKEN_TYP } from '../../protocol/constants.js';

/**
 * The runner's own test issuer on loopback: an ES256 key, its JWKS and an OpenID configuration
 * naming it (OIDC Discovery §4, as PROTOCOL.md §2 row 4 finds issuer keys). A service that lists
 * its URL in `trustedIssuers` lets the runner present ID-JAGs with exactly one flaw each.
 * `<url>/untrusted` is a second issuer with the same keys that no service is told to trust.
 */
export interface TestIssuer {
  url: string;
  untrustedUrl: string;
  /** A valid ID-JAG for `aud` (PROTOCOL.md §6 shape), with `claims`/`header` overriding or (`undefined`) removing fields. */
  mint(aud: string, opts?: MintOptions): Promise<string>;
  /** A valid logout token for `aud` (PROTOCOL.md §4 shape), with the same overrides as `mint`. */
  mintLogout(aud: string, sub: string, opts?: MintOptions): Promise<string>;
  /**
   * `<url>/receiver`: where the runner, acting as a service, lets a provider deliver revocations
   * (a grant's revocation_uri). `nextDelivery` resolves with the next one to `path` (kept if it
   * came before the call), or undefined after `ms`.
   */
  receiverUrl: string;
  nextDelivery(path: string, ms: number): Promise<Delivery | undefined>;
  close(): Promise<void>;
}

/** One request a provider sent to the runner's receiver. */
export interface Delivery {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: string;
}

export interface MintOptions {
  claims?: Record<string, unknown>;
  header?: Record<string, unknown>;
  /** Sign as `<url>/untrusted` instead. */
  untrusted?: boolean;
}

/** A fixed default port keeps the printed trustedIssuers line valid from one run to the next (CLI and studio alike). */
export const DEFAULT_ISSUER_PORT = 4610;
/** Where the CLI and the studio keep the issuer's key, so a service that caches its JWKS keeps verifying. */
export const DEFAULT_ISSUER_KEY_FILE = join(tmpdir(), 'agentic-registration-conformance', 'issuer-key.json');

export async function startTestIssuer(port = 0, keyFile?: string): Promise<TestIssuer> {
  const { privateKey, jwk } = await testIssuerKey('conformance', keyFile);
  const kid = jwk.kid!;
  let url = '';
  const deliveries: Delivery[] = [];
  const waiting: { path: string; take: (d: Delivery) => void }[] = [];
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path.startsWith('/receiver')) return receive(req, res, path);
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'max-age=60' });
      res.end(JSON.stringify(body));
    };
    if (path === '/.well-known/jwks.json' || path === '/untrusted/.well-known/jwks.json') return send(200, { keys: [jwk] });
    if (path === '/.well-known/openid-configuration') return send(200, { issuer: url, jwks_uri: `${url}/.well-known/jwks.json` });
    if (path === '/untrusted/.well-known/openid-configuration')
      return send(200, { issuer: `${url}/untrusted`, jwks_uri: `${url}/untrusted/.well-known/jwks.json` });
    send(404, { error: 'not_found', message: 'The conformance issuer serves only its discovery documents.' });
  });
  /** OIDC Back-Channel Logout §2.8: the receiver answers 200 once it has the token (the runner judges it after). */
  function receive(req: IncomingMessage, res: ServerResponse, path: string) {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size <= 65536) chunks.push(c);
    });
    req.on('end', () => {
      const d: Delivery = { method: req.method ?? 'GET', path, headers: Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, String(v)])), body: Buffer.concat(chunks).toString('utf8') };
      const w = waiting.findIndex((x) => x.path === d.path);
      if (w >= 0) waiting.splice(w, 1)[0].take(d);
      else deliveries.push(d);
      res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' });
      res.end(JSON.stringify({ revoked: 0 }));
    });
  }
  /** The next delivery to `path` (one that came already, else the first within `ms`). */
  const nextDelivery = (path: string, ms: number) =>
    new Promise<Delivery | undefined>((resolve) => {
      const ready = deliveries.findIndex((d) => d.path === path);
      if (ready >= 0) return resolve(deliveries.splice(ready, 1)[0]);
      const entry = { path, take: (d: Delivery) => (clearTimeout(timer), resolve(d)) };
      const timer = setTimeout(() => {
        waiting.splice(waiting.indexOf(entry), 1);
        resolve(undefined);
      }, ms);
      waiting.push(entry);
    });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : port}`;
  return {
    url,
    untrustedUrl: `${url}/untrusted`,
    mint: (aud, opts = {}) => mint(privateKey, kid, opts.untrusted ? `${url}/untrusted` : url, aud, opts),
    mintLogout: (aud, sub, opts = {}) => mintLogout(privateKey, kid, opts.untrusted ? `${url}/untrusted` : url, aud, sub, opts),
    receiverUrl: `${url}/receiver`,
    nextDelivery,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

async function mint(key: CryptoKey, kid: string, iss: string, aud: string, opts: MintOptions): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const claims = without({
    iss, sub: `conformance-user-${randomUUID().slice(0, 8)}`, aud, client_id: 'conformance-runner', jti: randomUUID(),
    iat: now, exp: now + 300, email: `conformance+${randomUUID().slice(0, 8)}@example.com`, email_verified: true,
    ...opts.claims,
  });
  const header = without({ alg: 'ES256', typ: ID_JAG_TYP, kid, ...opts.header });
  if (header.alg === 'none') {
    // RFC 7519 §6: an unsecured JWT has an empty signature part; jose encodes the parts.
    const enc = (v: unknown) => base64url.encode(JSON.stringify(v));
    return `${enc(header)}.${enc(claims)}.`;
  }
  return new SignJWT(claims).setProtectedHeader(header as { alg: string }).sign(key);
}

/** OIDC Back-Channel Logout 1.0 §2.4 as PROTOCOL.md §4 has it: typ logout+jwt, the revoked event, no nonce. */
async function mintLogout(key: CryptoKey, kid: string, iss: string, aud: string, sub: string, opts: MintOptions): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const claims = without({ iss, sub, aud, jti: randomUUID(), iat: now, exp: now + 120, events: { [EVENT_ASSERTION_REVOKED]: {} }, ...opts.claims });
  const header = without({ alg: 'ES256', typ: LOGOUT_TOKEN_TYP, kid, ...opts.header });
  return new SignJWT(claims).setProtectedHeader(header as { alg: string }).sign(key);
}

function without(obj: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(obj).filter(([, v]) => v !== undefined));
}

/** The exact config line a service needs to trust the runner's issuer (PROTOCOL.md §9). */
export const trustLine = (issuerUrl: string) => JSON.stringify({ service: { trustedIssuers: [issuerUrl] } });
