import type { Host } from '../host/host.js';
import type { TraceRecorder } from '../trace/index.js';
import type { ScenarioDef } from './scenarios.js';

/**
 * Some lessons need a service configured for them (a short registration TTL, a tiny rate
 * limit). When the host the run was given is not, the agent starts a private in-memory host —
 * and copies every exchange it records into the run's own trace, so the diagram still shows
 * the real roles. Beside a host the run was given, the private service sends its mail over SMTP
 * to that host's mailbox: the person has one inbox, whichever service writes to them.
 */
export interface LessonHost {
  host: Host;
  /** The private host's clock: ms added to real time (lessons that "wait" an hour). */
  clock?: { offsetMs: number };
  /** Where the person reads the lesson's mail: the given host's inbox, or the private host's own. */
  mailboxUrl: string;
}

export async function startLessonHost(
  sc: ScenarioDef, given: Host | undefined, trace: TraceRecorder, traceId: string, say: (text: string) => void,
): Promise<LessonHost | undefined> {
  if (!sc.hostConfig || !sc.hostFits || (given && sc.hostFits(given.config))) return undefined;
  // A service we only know by URL cannot be reconfigured (or its clock moved), so such a lesson
  // runs on a private in-memory host, exactly as when the studio's own host does not fit.
  const { startHost } = await import('../host/host.js');
  const clock = sc.needsClock ? { offsetMs: 0 } : undefined;
  // The private host records into the run's own trace, so the diagram shows its exchanges too.
  const config = given ? { ...sc.hostConfig, mail: { smtpUrl: given.urls.smtp } } : sc.hostConfig;
  const host = await startHost({
    inMemory: true, config, ports: { service: 0, provider: 0, mailbox: 0, smtp: 0 },
    trace,
    ...(clock ? { now: () => Date.now() + clock.offsetMs } : {}),
  });
  say(
    `This lesson needs a service configured with ${JSON.stringify(sc.hostConfig)}` +
      `${given ? '' : ' (a service I only know by its URL cannot be reconfigured)'}, so I started a private one at ${host.urls.service}` +
      `${given ? ' (its mail still comes to your inbox)' : ''}.`,
  );
  return { host, clock, mailboxUrl: given ? given.urls.mailbox : host.urls.mailbox };
}
