import type { EventEmitter } from 'node:events';
import type { RequestHandler } from 'express';
import type { VerifiedSignatures } from '../keys/verifiedSignatures.js';
import type { Actor, Exchange, ExportFormat, TraceMeta } from '../protocol/trace.js';

/** The trace's wire types are declared once, in protocol/trace.ts (DESIGN.md rule 4); re-exported for the servers. */
export {
  ACTOR_HEADER, ACTORS, EXPORT_FORMATS, isActor, PROFILE_HEADER, STEP_HEADER,
  type Actor, type DecodedJwt, type Exchange, type ExportFormat, type TraceMeta,
} from '../protocol/trace.js';

/** The recorder the host builds (recorder.ts) and every role records through. */
export interface TraceRecorder extends EventEmitter {
  /**
   * Express middleware for a role's app: install FIRST; records each request once. `profile` labels a
   * service's exchanges with the protocol it speaks (Exchange.serviceProfile).
   */
  middleware(role: 'Service' | 'Provider' | 'Inbox', opts?: { profile?: string }): RequestHandler;
  /**
   * A fetch for in-host callers: adds ACTOR_HEADER (and STEP_HEADER from getStep()). When the target
   * origin is one of the host's own (registerOrigin), the target's middleware records it; otherwise
   * this wrapper records it itself.
   */
  fetchAs(actor: Actor, opts?: { getStep?: () => string | undefined; profile?: string }): typeof fetch;
  registerOrigin(origin: string, actor: 'Service' | 'Provider' | 'Inbox'): void;
  /**
   * Issuers whose recorded tokens get a signature check: those the host trusts (its bundled provider,
   * the service's trust list). A token from any other issuer makes the trace fetch nothing (DESIGN.md rule 9).
   */
  trustIssuers(issuers: readonly string[]): void;
  /** Signatures the service verified (it writes, the display reads), so none is verified twice. */
  readonly verifiedSignatures: VerifiedSignatures;
  record(e: Partial<Exchange> & Pick<Exchange, 'from' | 'to' | 'method' | 'url' | 'status'>): Exchange;
  /** Starts a new trace and makes it the current one. Returns its id. */
  beginTrace(meta: { title: string; flow?: string; scenario?: string }): string;
  currentTraceId(): string;
  /**
   * The run that owns `traceId` has ended: what arrives from now on goes to a fresh "Between runs"
   * trace, not into the finished run (a no-op when another trace is current already).
   */
  endTrace(traceId: string): void;
  /** Deletes a past trace and its exchanges (TraceNotFoundError; TraceInUseError for the current one). */
  deleteTrace(traceId: string): void;
  listTraces(): TraceMeta[];
  /** The trace's exchanges in recorded order ([] for an unknown id). */
  exchanges(traceId: string): Exchange[];
  /** Throws TraceNotFoundError for an unknown id. `redact` masks every value marked secret. */
  exportTrace(traceId: string, format: ExportFormat, opts?: { redact?: boolean }): string;
  /** Reset all data; a fresh "Session" trace becomes current. */
  clear(): void;
  /** Builds and stores, now, every exchange recorded so far (before the database closes). */
  flush(): void;
  /** Resolves once every recorded exchange is built, checked (JWT signatures) and stored (tests, shutdown). */
  idle(): Promise<void>;
}
