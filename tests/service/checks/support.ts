/** Real ES256 keys and jose-signed JWTs for the per-check tests; documents are served by a small in-memory fetch. */
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWTPayload } from 'jose';
import { openDatabase } from '../../../src-servers/db/sqlite.js';
import { IssuerKeys } from '../../../src-servers/keys/issuerKeys.js';
import { ID_JAG_TYP } from '../../../src-servers/protocol/constants.js';
import { ProtocolError } from '../../../src-servers/protocol/errors.js';
import { ClientMetadataCache } from '../../../src-servers/service/checks/clientId.js';
import { checkFormat } from '../../../src-servers/service/checks/format.js';
import type { CheckEnv, PresentedJwt } from '../../../src-servers/service/checks/types.js';
import type { z } from 'zod';
import { serviceConfigSchema } from '../../../src-servers/service/config.js';
import { createStore, serviceMigrations } from '../../../src-servers/service/store/index.js';

export const ISSUER = 'https://provider.example';
export const AS = 'http://127.0.0.1:8000';
export const RESOURCE = `${AS}/api/resource`;
export const JWKS_URI = `${ISSUER}/.well-known/jwks.json`;
export const CLIENT_ID = `${ISSUER}/agent-auth.json`;
export const NOW = Date.parse('2030-01-01T00:00:00Z');

export interface Keys { kid: string; privateKey: CryptoKey; publicJwk: Record<string, unknown> }

export async function newKey(kid: string): Promise<Keys> {
  const { publicKey, privateKey } = await generateKeyPair('ES256');
  return { kid, privateKey, publicJwk: { ...(await exportJWK(publicKey)), kid, alg: 'ES256', use: 'sig' } };
}

/** The issuer's documents by URL; a test edits them (rotates keys, breaks the CIMD) and counts fetches. */
export function documents(published: Keys[]) {
  const docs = new Map<string, unknown>([
    [`${ISSUER}/.well-known/openid-configuration`, { issuer: ISSUER, jwks_uri: JWKS_URI }],
    [CLIENT_ID, { client_id: CLIENT_ID, jwks_uri: JWKS_URI }],
  ]);
  const hits = new Map<string, number>();
  // Where the JWKS is served (null: nowhere) and the headers each URL answers with; tests change both.
  const jwks: { uri: string | null } = { uri: JWKS_URI };
  const headers = new Map<string, Record<string, string>>();
  const fetchFn = (async (input: string | URL | Request) => {
    const url = String(input instanceof Request ? input.url : input);
    hits.set(url, (hits.get(url) ?? 0) + 1);
    const body = url === jwks.uri ? { keys: published.map((k) => k.publicJwk) } : docs.get(url);
    return body === undefined ? new Response('not found', { status: 404 }) : Response.json(body, { headers: headers.get(url) });
  }) as typeof fetch;
  return { fetch: fetchFn, docs, published, jwks, headers, hits: (url: string) => hits.get(url) ?? 0 };
}

export function testEnv(opts: { published: Keys[]; config?: z.input<typeof serviceConfigSchema>; now?: () => number }) {
  const docs = documents(opts.published);
  const now = opts.now ?? (() => NOW);
  const env: CheckEnv = {
    issuer: AS,
    resourceUrl: RESOURCE,
    trustedIssuers: new Set([ISSUER]),
    config: serviceConfigSchema.parse(opts.config ?? {}),
    now,
    keys: new IssuerKeys({ fetch: docs.fetch, now }),
    clientMetadata: new ClientMetadataCache(docs.fetch, now),
    store: createStore(openDatabase(':memory:', serviceMigrations)),
  };
  return { env, docs };
}

/** A well-formed ID-JAG (PROTOCOL.md §6) signed by `key`; `claims`/`header` override or (undefined) remove fields. */
export async function mint(key: Keys, claims: Record<string, unknown> = {}, header: Record<string, unknown> = {}): Promise<string> {
  const iat = Math.floor(NOW / 1000);
  const payload: Record<string, unknown> = {
    iss: ISSUER, sub: 'usr_alice', aud: AS, client_id: CLIENT_ID, jti: crypto.randomUUID(),
    iat, exp: iat + 300, email: 'alice@example.com', email_verified: true, amr: ['mfa'], ...claims,
  };
  for (const [k, v] of Object.entries(payload)) if (v === undefined) delete payload[k];
  return new SignJWT(payload as JWTPayload)
    .setProtectedHeader({ alg: 'ES256', typ: ID_JAG_TYP, kid: key.kid, ...header } as { alg: string })
    .sign(key.privateKey);
}

export async function presented(key: Keys, claims?: Record<string, unknown>, header?: Record<string, unknown>): Promise<PresentedJwt> {
  return checkFormat(await mint(key, claims, header));
}

/** The typed error a check threw (or `undefined` when it passed). */
export async function codeOf(run: () => unknown): Promise<string | undefined> {
  try {
    await run();
    return undefined;
  } catch (err) {
    if (!(err instanceof ProtocolError)) throw err;
    return err.code;
  }
}
