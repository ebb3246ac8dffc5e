import express, { type Express, type RequestHandler } from 'express';
import type { Db, Migration } from '../db/sqlite.js';
import type { ProviderConfig } from './config.js';
import { PROVIDER_PATHS } from '../protocol/constants.js';
import { consentRequestView, consentRoutes, listConsentRequests } from './consent.js';
import type { ProviderContext } from './context.js';
import { discoveryRoutes } from './discovery.js';
import { grantInspection, grantRoutes, listGrants, revokeGrant } from './grants.js';
import { bodyParsers, errorHandler, notFound } from './http.js';
import { hostAllowList } from '../http/hostCheck.js';
import { framedBy } from '../http/framing.js';
import { idJagRoutes } from './idJag.js';
import { lessonRoutes } from './lessons.js';
import { jwksRoutes } from './jwks.js';
import { KeyStore, type KeyInfo, type SigningKey } from './keys.js';
import type { DeliveryResult } from './delivery.js';
import { LOGOUT_TOKEN_TTL_SECONDS } from './logoutToken.js';
import { providerMigrations as migrations } from './migrations.js';
import { tokenExchangeRoutes } from './tokenExchange.js';
import { findUserById, ID_TOKEN_TTL_SECONDS, listUsers, loginRoutes, seedAuthTimes } from './users.js';

/**
 * The agent provider (PROTOCOL.md §6): an IdP for agents. It signs users in, asks their consent,
 * mints ID-JAGs for the services they approved, and tells a service when consent is withdrawn.
 */

export const providerMigrations: Migration[] = migrations;
export { mintIdJag, type ForgeKeys, type ForgeOptions } from './forge.js';

export interface ProviderDeps {
  baseUrl: string;
  config: ProviderConfig;
  db: Db;
  /** Where the ES256 signing keys persist (JSON, mode 0600); absent = in memory only. */
  keysFile?: string;
  /** Used to POST logout tokens to a grant's revocation_uri. */
  fetch?: typeof fetch;
  recorder?: { middleware(role: 'Provider'): RequestHandler };
  now?: () => number;
  /** Where to report what services answered to logout tokens, and our own bugs. */
  log?: (line: string) => void;
  /** Origins that may frame the consent page: the studio's, once it runs (http/framing.ts). */
  frameAncestors?: () => readonly string[];
}

export interface ProviderHandle {
  app: Express;
  /** New kid published and used at once; old keys stay in the JWKS until their tokens expire. */
  rotateKeys(): Promise<{ kid: string }>;
  inspect(): { users: unknown[]; grants: unknown[]; consentRequests: unknown[]; keys: KeyInfo[] };
  stop(): void;
  // Additive, for the host and forge.ts:
  readonly issuer: string;
  /** The CIMD URL: `client_id` of every ID-JAG. */
  readonly clientId: string;
  signingKey(): SigningKey;
  now(): number;
  /** Revoke a grant as its user would (DELETE /grants/:id without HTTP): revocation token first; a failed SET keeps the grant. */
  revokeGrant(id: string): Promise<{ revoked: boolean; delivery: DeliveryResult | null }>;
}

/** A retired key stays published until the longest-lived token it signed has expired, plus skew. */
const KEY_RETENTION_MARGIN_SECONDS = 60;

export async function createProvider(deps: ProviderDeps): Promise<ProviderHandle> {
  const issuer = deps.baseUrl.replace(/\/+$/, '');
  const now = deps.now ?? Date.now;
  const log = deps.log ?? (() => {});
  const longestTokenSeconds = Math.max(deps.config.idJagTtlSeconds, ID_TOKEN_TTL_SECONDS, LOGOUT_TOKEN_TTL_SECONDS);
  const keys = await KeyStore.open({ file: deps.keysFile, now, retainSeconds: longestTokenSeconds + KEY_RETENTION_MARGIN_SECONDS });

  const ctx: ProviderContext = {
    issuer,
    clientId: `${issuer}${PROVIDER_PATHS.cimd}`,
    config: deps.config,
    db: deps.db,
    keys,
    fetch: deps.fetch ?? globalThis.fetch,
    now,
    log,
  };

  seedAuthTimes(ctx);

  const app = express();
  app.disable('x-powered-by');
  app.use(hostAllowList(deps.config.allowedHosts), framedBy(deps.frameAncestors)); // DESIGN.md rule 10
  if (deps.recorder) app.use(deps.recorder.middleware('Provider'));
  app.use(bodyParsers);
  app.use(discoveryRoutes(ctx));
  app.use(jwksRoutes(ctx));
  app.use(loginRoutes(ctx), consentRoutes(ctx), grantRoutes(ctx), idJagRoutes(ctx), tokenExchangeRoutes(ctx), lessonRoutes(ctx));
  app.use(notFound);
  app.use(errorHandler(log));

  return {
    app,
    issuer,
    clientId: ctx.clientId,
    signingKey: () => keys.signingKey(),
    now,
    rotateKeys: () => keys.rotate(),
    inspect: () => ({
      users: listUsers(ctx),
      grants: listGrants(ctx).map((g) => grantInspection(ctx, g)),
      consentRequests: listConsentRequests(ctx).map((r) => ({
        ...consentRequestView(r),
        user: findUserById(ctx, r.user_id)?.email ?? r.user_id,
      })),
      keys: keys.info(),
    }),
    async revokeGrant(id) {
      const grant = listGrants(ctx).find((g) => g.id === id && !g.revoked_at);
      if (!grant) return { revoked: false, delivery: null };
      return revokeGrant(ctx, grant);
    },
    stop() {
      // No timers: retired keys are pruned lazily, whenever the key set is next used.
    },
  };
}
