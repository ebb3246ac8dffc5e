import type { ProfileId } from '../protocol/profiles.js';
import { PROFILE_IDS } from '../protocol/profiles.js';
import type { ServiceConfig } from '../service/config.js';
import { createService, type ServiceHandle } from '../service/index.js';
import type { SendMail } from '../service/context.js';
import type { TraceRecorder } from '../trace/index.js';
import type { Db } from '../db/sqlite.js';

/**
 * The services a host runs (DESIGN.md rule 8: one service instance speaks one profile). The primary
 * speaks `service.profile`; the studio's host adds a companion speaking the other profile on its own
 * port and its own database, so a person can switch protocol versions without a restart
 * (PROTOCOL-v0.6.md §9). Both share the host's provider, mailbox and trace.
 */
export interface HostService {
  readonly profile: ProfileId;
  /** The service's base URL: its AS issuer, the audience an ID-JAG for it must carry. */
  readonly url: string;
  /** The primary service is `host.service` / `host.urls.service`; the companion is the other profile's. */
  readonly primary: boolean;
  /** Its config: the host's `service` block with `profile` set to this service's. */
  readonly config: ServiceConfig;
  /** The running service (replaced on reset). */
  readonly handle: ServiceHandle;
}

/** The profile the companion speaks: the one the primary does not (with two profiles, the other one). */
export function companionProfile(primary: ProfileId): ProfileId {
  return PROFILE_IDS.find((p) => p !== primary)!;
}

/**
 * The database file of a service (DESIGN.md rule 5, each its own): the primary keeps `service.db`,
 * as before profiles; a companion keeps `service-<profile>.db` (e.g. `service-v0.6.db`).
 */
export function serviceDbName(profile: ProfileId, primary: boolean): string {
  return primary ? 'service' : `service-${profile}`;
}

export interface StartServiceDeps {
  url: string;
  config: ServiceConfig;
  db: Db;
  trustedIssuers: string[];
  sendMail: SendMail;
  trace: TraceRecorder;
  now?: () => number;
  frameAncestors: () => readonly string[];
}

/** Start one service on its URL, its exchanges labelled with its profile in the trace (Exchange.serviceProfile). */
export function startService(d: StartServiceDeps): ServiceHandle {
  const profile = d.config.profile;
  return createService({
    baseUrl: d.url,
    config: d.config,
    db: d.db,
    trustedIssuers: d.trustedIssuers,
    sendMail: d.sendMail,
    fetch: d.trace.fetchAs('Service', { profile }),
    recorder: {
      middleware: (role) => d.trace.middleware(role, { profile }),
      verifiedSignatures: d.trace.verifiedSignatures,
    },
    now: d.now,
    frameAncestors: d.frameAncestors,
  });
}
