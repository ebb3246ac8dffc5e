import express, { Router } from 'express';
import type { Db, Migration } from '../db/sqlite.js';
import type { ServiceConfig } from './config.js';
import { SERVICE_PATHS } from '../protocol/constants.js';
import { ClientMetadataCache } from './checks/clientId.js';
import type { SendMail, ServiceContext } from './context.js';
import { bodyParsers, errorHandler, methodNotAllowed, notFound } from './http.js';
import { expireDueRegistrations, pruneRevocations } from './lifecycle.js';
import { pruneRateLimits } from './rateLimit.js';
import { authMdRoutes } from './routes/authMd.js';
import { claimRoutes } from './routes/claim.js';
import { claimPageRoutes } from './routes/claimPage.js';
import { discoveryRoutes } from './routes/discovery.js';
import { registerRoutes } from './routes/register.js';
import { resourceRoutes } from './routes/resource.js';
import { revokeRoutes } from './routes/revoke.js';
import { tokenRoutes } from './routes/token.js';
import { createStore, serviceMigrations as migrations } from './store/index.js';
import { IssuerKeys } from '../keys/issuerKeys.js';
import type { VerifiedSignatures } from '../keys/verifiedSignatures.js';
import { hostAllowList } from '../http/hostCheck.js';
import { framedBy } from '../http/framing.js';

export { createSmtpMailer } from './mail.js';

export interface ServiceDeps {
  /** e.g. "http://127.0.0.1:8000", no trailing slash. AS issuer == baseUrl; PRM resource == `${baseUrl}/api/resource`. */
  baseUrl: string;
  config: ServiceConfig;
  /** Opened by the caller: openDatabase(file, serviceMigrations). */
  db: Db;
  /** The full trust list (bundled provider's issuer + config.trustedIssuers). */
  trustedIssuers: string[];
  sendMail: SendMail;
  /** Used for JWKS and CIMD fetches (defaults to globalThis.fetch). */
  fetch?: typeof fetch;
  recorder?: {
    middleware(role: 'Service'): import('express').RequestHandler;
    /** Where the service notes the signatures it verified, so the trace's display need not verify them again. */
    verifiedSignatures?: VerifiedSignatures;
  };
  /** ms clock (tests move time forward); default Date.now. */
  now?: () => number;
  /** Where AUTH.md is, when it is not at the repo's top level (e.g. a packaged app). */
  authMdFile?: string;
  /** Where unexpected errors are reported; default console.error. */
  log?: (line: string) => void;
  /** Origins that may frame the claim page: the studio's, once it runs (http/framing.ts). */
  frameAncestors?: () => readonly string[];
}

export interface ServiceHandle {
  app: import('express').Express;
  /** Read-only snapshot for the studio's state view (no secrets, only ids/prefixes). */
  inspect(): { registrations: unknown[]; credentials: unknown[]; audit: unknown[] };
  /** Expire anonymous registrations past TTL now (also runs on a timer + lazily on use). */
  sweep(): void;
  stop(): void;
}

export const serviceMigrations: Migration[] = migrations;

const SWEEP_INTERVAL_MS = 60_000;

/** The service: authorization server + resource server on one express app (PROTOCOL.md §1–§5). */
export function createService(deps: ServiceDeps): ServiceHandle {
  const issuer = deps.baseUrl.replace(/\/+$/, '');
  const now = deps.now ?? Date.now;
  const fetchFn = deps.fetch ?? globalThis.fetch;
  const store = createStore(deps.db);
  const ctx: ServiceContext = {
    issuer,
    resourceUrl: `${issuer}${SERVICE_PATHS.resource}`,
    config: deps.config,
    store,
    trustedIssuers: new Set(deps.trustedIssuers),
    sendMail: deps.sendMail,
    fetch: fetchFn,
    now,
    keys: new IssuerKeys({
      fetch: fetchFn, now, refetchCooldownMs: deps.config.jwksRefetchCooldownSeconds * 1000,
      ...(deps.recorder?.verifiedSignatures ? { verified: { signatures: deps.recorder.verifiedSignatures, mode: 'remember' as const } } : {}),
    }),
    clientMetadata: new ClientMetadataCache(fetchFn, now),
    audit: (type, registrationId, detail) => store.audit.record(now(), type, registrationId, detail),
    expireDue: () => void expireDueRegistrations(ctx),
    log: deps.log ?? ((line) => console.error(line)),
  };

  const app = express();
  app.disable('x-powered-by');
  app.use(hostAllowList(deps.config.allowedHosts), framedBy(deps.frameAncestors)); // DESIGN.md rule 10
  if (deps.recorder) app.use(deps.recorder.middleware('Service'));
  app.use(bodyParsers());

  const router = Router();
  discoveryRoutes(router, ctx);
  authMdRoutes(router, ctx, deps.authMdFile);
  resourceRoutes(router, ctx);
  registerRoutes(router, ctx);
  claimRoutes(router, ctx);
  claimPageRoutes(router, ctx);
  revokeRoutes(router, ctx);
  tokenRoutes(router, ctx);
  app.use(router);

  app.use(
    methodNotAllowed({
      [SERVICE_PATHS.resource]: ['GET', 'POST'],
      [SERVICE_PATHS.protectedResourceMetadata]: ['GET'],
      [SERVICE_PATHS.authorizationServerMetadata]: ['GET'],
      [SERVICE_PATHS.authMd]: ['GET'],
      [SERVICE_PATHS.register]: ['POST'],
      [SERVICE_PATHS.claim]: ['POST'],
      [SERVICE_PATHS.claimView]: ['GET'],
      [SERVICE_PATHS.claimChallenge]: ['POST'],
      [SERVICE_PATHS.claimComplete]: ['POST'],
      [SERVICE_PATHS.revoke]: ['POST'],
      [SERVICE_PATHS.token]: ['POST'],
    }),
  );
  app.use(notFound);
  app.use(errorHandler(ctx.log));

  function sweep() {
    expireDueRegistrations(ctx);
    store.replay.prune(now());
    pruneRevocations(ctx);
    pruneRateLimits(ctx);
  }
  const timer = setInterval(() => {
    try {
      sweep();
    } catch (err) {
      ctx.log(`service: sweep failed: ${(err as Error).message}`); // e.g. the db was closed under us
    }
  }, SWEEP_INTERVAL_MS);
  timer.unref();

  return {
    app,
    sweep,
    stop: () => {
      clearInterval(timer);
      store.rateLimits.flush(); // the counts of the last tick (store/rateLimits.ts), before the caller closes the db
    },
    inspect: () => inspect(ctx),
  };
}

/** The studio's state view: ids, statuses and hints — never a secret or a hash. */
function inspect(ctx: ServiceContext) {
  const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
  return {
    registrations: ctx.store.registrations.all().map((r) => ({
      id: r.id, kind: r.kind, status: r.status, credential_type: r.credential_type, user_id: r.user_id,
      email: r.email, iss: r.iss, sub: r.sub, created_at: iso(r.created_at), expires_at: iso(r.expires_at),
      claimed_at: iso(r.claimed_at), ended_at: iso(r.ended_at),
    })),
    credentials: ctx.store.credentials.all().map((c) => ({
      id: c.id, registration_id: c.registration_id, type: c.type, hint: c.hint, scopes: c.scopes.split(' ').filter(Boolean),
      created_at: iso(c.created_at), expires_at: iso(c.expires_at), revoked_at: iso(c.revoked_at),
    })),
    audit: ctx.store.audit.recent().map((a) => ({
      id: a.id, at: iso(a.at), type: a.type, registration_id: a.registration_id, detail: JSON.parse(a.detail) as unknown,
    })),
  };
}
