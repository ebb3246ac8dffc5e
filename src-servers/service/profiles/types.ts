import type { ErrorRequestHandler, Router } from 'express';
import type { ProfileId } from '../../protocol/profiles.js';
import type { ServiceContext } from '../context.js';

/**
 * One protocol profile of the service (DESIGN.md rule 8): everything a version of the wire changes
 * — its routes, the method table, discovery, AUTH.md and the error envelopes — behind one seam.
 * createService builds the shared machinery (checks, keys, store, limits, audit) and mounts exactly
 * one profile end to end. A third version is a third folder beside v0.1 and v0.6.
 */
export interface ServiceProfile {
  readonly id: ProfileId;
  /** The PRM `resource` path (RFC 9728 §2): v0.1 `/api/resource`, v0.6 `/api/`. */
  readonly resourcePath: string;
  /** Mount every route of the profile; runs once per service, after the shared middleware. */
  mount(router: Router, ctx: ServiceContext, opts: MountOptions): void;
  /** Known paths and their methods: anything else on them is 405 with Allow. */
  readonly methods: Record<string, string[]>;
  /** The one place an error becomes a response, in this profile's envelopes. */
  errorHandler(log: (line: string) => void): ErrorRequestHandler;
  /** Expire what the profile's rules say is past its time (a timer and lazily before lookups). */
  expireDue(ctx: ServiceContext): void;
  /** The timer's housekeeping beyond expiry (pruning old rows). */
  sweep(ctx: ServiceContext): void;
  /** The studio's state view: ids, statuses and hints — never a secret or a hash. */
  inspect(ctx: ServiceContext): { registrations: unknown[]; credentials: unknown[]; audit: unknown[] };
}

export interface MountOptions {
  /** Where this profile's AUTH.md is, when not where the profile keeps it (e.g. a packaged app). */
  authMdFile?: string;
}
