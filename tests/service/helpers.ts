/**
 * Test fixtures for the service: a real service on an ephemeral loopback port, a tiny test
 * issuer (ES256 keys, JWKS, OIDC metadata, CIMD) on another, and a capture mailbox.
 */
import { expect } from 'vitest';
import express from 'express';
import { createServer, type Server } from 'node:http';
import { randomUUID } from 'node:crypto';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';
import { openDatabase, type Db } from '../../src-servers/db/sqlite.js';
import { parseConfig, type HostConfigInput } from '../../src-servers/host/config.js';
import { EVENT_ASSERTION_REVOKED, ID_JAG_TYP, LOGOUT_TOKEN_TYP } from '../../src-servers/protocol/constants.js';
import { createService, serviceMigrations, type ServiceHandle } from '../../src-servers/service/index.js';

export interface Mail { to: string; subject: string; text: string; html: string }

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return `http://127.0.0.1:${port}`;
}

async function close(server: Server): Promise<void> {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

// ---------------------------------------------------------------- test issuer (an agent provider)

interface SigningKey { kid: string; privateKey: CryptoKey; publicJwk: JWK }

async function newKey(): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
  const kid = `k-${randomUUID().slice(0, 8)}`;
  return { kid, privateKey, publicJwk: { ...(await exportJWK(publicKey)), kid, alg: 'ES256', use: 'sig' } };
}

export interface MintOptions {
  /** Seconds since epoch used for iat/exp (defaults to the real clock). */
  nowSeconds?: number;
  ttlSeconds?: number;
  header?: Record<string, unknown>;
  /** Claims to delete after defaults and overrides are merged. */
  omit?: string[];
  /** Sign with this key instead of the current published one. */
  key?: SigningKey;
}

export type TestIssuer = Awaited<ReturnType<typeof startTestIssuer>>;

export async function startTestIssuer() {
  const keys: SigningKey[] = [await newKey()];
  let current = keys[0];
  const app = express();
  const server = createServer(app);
  const url = await listen(server);
  const state = {
    jwksFetches: 0,
    cimd: {} as Record<string, unknown>,
  };
  const jwksUri = `${url}/jwks.json`;
  const cimdUrl = `${url}/agent-auth.json`;
  state.cimd = { client_id: cimdUrl, client_name: 'Test agent platform', jwks_uri: jwksUri };
  app.get('/.well-known/openid-configuration', (_req, res) => {
    res.json({ issuer: url, jwks_uri: jwksUri, token_endpoint: `${url}/token` });
  });
  app.get('/jwks.json', (_req, res) => {
    state.jwksFetches++;
    res.json({ keys: keys.map((k) => k.publicJwk) });
  });
  app.get('/agent-auth.json', (_req, res) => {
    res.json(state.cimd);
  });

  async function sign(typ: string, claims: Record<string, unknown>, opts: MintOptions): Promise<string> {
    const key = opts.key ?? current;
    const payload = { ...claims };
    for (const name of opts.omit ?? []) delete payload[name];
    return new SignJWT(payload)
      .setProtectedHeader({ alg: 'ES256', typ, kid: key.kid, ...opts.header } as { alg: string })
      .sign(key.privateKey);
  }

  return {
    url,
    jwksUri,
    cimdUrl,
    state,
    /** An ID-JAG for `audience` as the bundled provider would mint it for alice (PROTOCOL.md §6). */
    mintIdJag(audience: string, claims: Record<string, unknown> = {}, opts: MintOptions = {}) {
      const iat = opts.nowSeconds ?? Math.floor(Date.now() / 1000);
      return sign(ID_JAG_TYP, {
        iss: url, sub: 'user-alice', aud: audience, client_id: cimdUrl, jti: randomUUID(),
        iat, exp: iat + (opts.ttlSeconds ?? 300),
        email: 'alice@example.com', email_verified: true, amr: ['mfa'],
        resource: `${audience}/api/resource`,
        ...claims,
      }, opts);
    },
    /** An OIDC back-channel logout token revoking (iss, sub) at `audience` (PROTOCOL.md §4). */
    mintLogoutToken(audience: string, claims: Record<string, unknown> = {}, opts: MintOptions = {}) {
      const iat = opts.nowSeconds ?? Math.floor(Date.now() / 1000);
      return sign(LOGOUT_TOKEN_TYP, {
        iss: url, sub: 'user-alice', aud: audience, jti: randomUUID(), iat, exp: iat + 120,
        events: { [EVENT_ASSERTION_REVOKED]: {} },
        ...claims,
      }, opts);
    },
    /** Publish a new key and sign with it from now on (the old one stays published). */
    async rotate(): Promise<string> {
      current = await newKey();
      keys.push(current);
      return current.kid;
    },
    /** A key the issuer never publishes (a forger's key). */
    unpublishedKey: () => newKey(),
    close: () => close(server),
  };
}

// ---------------------------------------------------------------- the service under test

export interface StartOptions {
  config?: NonNullable<HostConfigInput['service']>;
  trustedIssuers?: string[];
  /** A file path to keep state across restarts; default ':memory:'. */
  dbFile?: string;
  now?: () => number;
  sendMail?: (mail: Mail) => Promise<void>;
}

export interface TestService {
  url: string;
  handle: ServiceHandle;
  db: Db;
  mails: Mail[];
  logs: string[];
  close(): Promise<void>;
}

export async function startService(opts: StartOptions = {}): Promise<TestService> {
  const server = createServer();
  const url = await listen(server);
  const db = openDatabase(opts.dbFile ?? ':memory:', serviceMigrations);
  const mails: Mail[] = [];
  const logs: string[] = [];
  const handle = createService({
    baseUrl: url,
    config: parseConfig({ service: opts.config ?? {} }).service,
    db,
    trustedIssuers: opts.trustedIssuers ?? [],
    sendMail: opts.sendMail ?? (async (mail) => void mails.push(mail)),
    now: opts.now,
    log: (line) => logs.push(line),
  });
  server.on('request', handle.app);
  return {
    url, handle, db, mails, logs,
    async close() {
      handle.stop();
      await close(server);
      db.close();
    },
  };
}

// ---------------------------------------------------------------- HTTP helpers

export interface Reply<T = any> {
  status: number;
  headers: Headers;
  body: T;
  text: string;
}

export async function call<T = any>(url: string, init: RequestInit = {}): Promise<Reply<T>> {
  const res = await fetch(url, init);
  const text = await res.text();
  let body: any = undefined;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  return { status: res.status, headers: res.headers, body, text };
}

export const postJson = <T = any>(url: string, body: unknown, headers: Record<string, string> = {}) =>
  call<T>(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });

export const getResource = (svc: { url: string }, credential: string) =>
  call(`${svc.url}/api/resource`, { headers: { authorization: `Bearer ${credential}` } });

export const postResource = (svc: { url: string }, credential: string) =>
  postJson(`${svc.url}/api/resource`, { note: 'hello' }, { authorization: `Bearer ${credential}` });

// ---------------------------------------------------------------- protocol steps

export async function registerAnonymous(svc: { url: string }) {
  const r = await postJson(`${svc.url}/agent/auth`, { type: 'anonymous', requested_credential_type: 'api_key' });
  if (r.status !== 200) throw new Error(`anonymous registration failed: ${r.status} ${r.text}`);
  return r.body as { registration_id: string; credential: string; claim_token: string; [k: string]: unknown };
}

export async function registerWithIdJag(svc: { url: string }, assertion: string, credentialType = 'access_token') {
  return postJson(`${svc.url}/agent/auth`, {
    type: 'identity_assertion',
    assertion_type: 'urn:ietf:params:oauth:token-type:id-jag',
    assertion,
    requested_credential_type: credentialType,
  });
}

export async function registerVerifiedEmail(svc: { url: string }, email: string, credentialType?: string) {
  return postJson(`${svc.url}/agent/auth`, {
    type: 'identity_assertion', assertion_type: 'verified_email', assertion: email,
    ...(credentialType ? { requested_credential_type: credentialType } : {}),
  });
}

export const startClaim = (svc: { url: string }, claimToken: string, email: string) =>
  postJson(`${svc.url}/agent/auth/claim`, { claim_token: claimToken, email });

/** The claim page link in a mail (it must be in both the text and the HTML). */
export function claimLink(mail: Mail): { link: string; token: string } {
  const m = /(http:\/\/\S+\/agent\/auth\/claim\/view\?token=([A-Za-z0-9_-]+))/.exec(mail.text);
  if (!m) throw new Error(`no claim link in mail: ${mail.text}`);
  return { link: m[1], token: m[2] };
}

/** What the page's "Reveal code" button does. */
export const challenge = (svc: { url: string }, claimAttemptToken: string) =>
  postJson(`${svc.url}/agent/auth/claim/attempt/challenge`, { claim_attempt_token: claimAttemptToken });

export const complete = (svc: { url: string }, claimToken: string, otp: string) =>
  postJson(`${svc.url}/agent/auth/claim/complete`, { claim_token: claimToken, otp });

/** A code guaranteed to differ from `otp`. */
export const wrongCode = (otp: string) => String((Number(otp) + 1) % 1_000_000).padStart(6, '0');

/** The JSON error envelope of PROTOCOL.md: `{"error": code, "message": text}` with the code's status. */
export function expectError(r: Reply, status: number, code: string) {
  expect({ status: r.status, error: r.body?.error, body: r.text }).toMatchObject({ status, error: code });
  expect(typeof r.body.message).toBe('string');
  expect(r.headers.get('content-type')).toMatch(/^application\/json/);
}
