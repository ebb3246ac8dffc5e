import type { ServiceConfig, ServiceConfigInput } from '../service/config.js';
import type { TraceRecorder } from '../trace/index.js';

/**
 * What a host may offer the agent for its lessons (DESIGN.md rule 6). The agent is an HTTP client
 * that knows URLs and what it discovers; a host that runs the service itself can hand it this
 * small capability (built in host/lessonHost.ts). Without it every lesson that needs no special
 * service still runs; the others say why they cannot.
 */
export interface HostPowers {
  /** The config of the service at the URL the run was given, when this host runs that service. */
  readonly serviceConfig?: ServiceConfig;
  /** Start a private in-memory host for one lesson that needs a service configured for it. */
  startLessonHost(request: LessonHostRequest): Promise<LessonHost>;
}

export interface LessonHostRequest {
  /** The service settings the lesson needs (PROTOCOL.md §9, key "service"). */
  service: ServiceConfigInput;
  /** Give the private host a clock the agent may move forward (to "wait" an hour-long Retry-After). */
  clock: boolean;
  /** The private host records into the run's own trace, so the diagram shows its exchanges too. */
  trace: TraceRecorder;
}

export interface LessonHost {
  urls: { service: string; provider: string; mailbox: string };
  readonly serviceConfig: ServiceConfig;
  /** Where the person reads the lesson's mail: the offering host's inbox, or the private host's own. */
  mailboxUrl: string;
  /** Whether the private service's mail goes to the inbox of the host that offered it. */
  mailToGivenInbox: boolean;
  /** Only with `clock`: move the private host's clock forward instead of waiting. */
  fastForward?(seconds: number): void;
  stop(): Promise<void>;
}
