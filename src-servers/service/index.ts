import express, { Router } from 'express';
import type { Db, Migration } from '../db/sqlite.js';
import type { ServiceConfig } from './config.js';
import { ClientMetadataCache } from './checks/clientId.js';
import type { SendMail, ServiceContext } from './context.js';
import { bodyParsers, notFound } from './http.js';
import { pruneRateLimits } from './rateLimit.js';
import { serviceProfile } from './profiles/index.js';
import { createStore, serviceMigrations as migrations } from './store/index.js';
import { IssuerKeys } from '../keys/issuerKeys.js';
import type { VerifiedSignatures } from '../keys/verifiedSignatures.js';
import { hostAllowList } from '../http/hostCheck.js';
import { framedBy } from '../http/framing.js';
import { answerAfterCommit } from '../http/afterCommit.js';
import { methodNotAllowed } from './http.js';

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

/**
 * The service: authorization server + resource server on one express app. The shared machinery
 * (store, issuer keys, CIMD cache, limits, audit) is built here; everything a protocol version
 * changes comes from the one profile `config.profile` names (DESIGN.md rule 8, profiles/).
 */
export function createService(deps: ServiceDeps): ServiceHandle {
  const issuer = deps.baseUrl.replace(/\/+$/, '');
  const now = deps.now ?? Date.now;
  const fetchFn = deps.fetch ?? globalThis.fetch;
  const store = createStore(deps.db);
  const profile = serviceProfile(deps.config.profile);
  const ctx: ServiceContext = {
    issuer,
    resourceUrl: `${issuer}${profile.resourcePath}`,
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
    expireDue: () => profile.expireDue(ctx),
    log: deps.log ?? ((line) => console.error(line)),
  };

  const app = express();
  app.disable('x-powered-by');
  app.use(hostAllowList(deps.config.allowedHosts), framedBy(deps.frameAncestors)); // DESIGN.md rule 10
  if (deps.recorder) app.use(deps.recorder.middleware('Service'));
  app.use(answerAfterCommit(store.group, ctx.log)); // no answer before the writes it reports are durable
  app.use(bodyParsers());

  const router = Router();
  profile.mount(router, ctx, { authMdFile: deps.authMdFile });
  app.use(router);
  app.use(methodNotAllowed(profile.methods));
  app.use(notFound);
  app.use(profile.errorHandler(ctx.log));

  function sweep() {
    profile.expireDue(ctx);
    store.replay.prune(now());
    profile.sweep(ctx);
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
      store.group.flush(); // and the tick's open group of writes
    },
    inspect: () => profile.inspect(ctx),
  };
}
