import type { Host } from '../host/host.js';
import type { TraceRecorder } from '../trace/index.js';
import type { ScenarioDef } from './scenarios.js';

/**
 * Some lessons need a service configured for them (a short registration TTL, a tiny rate
 * limit). When the host the run was given is not, the agent starts a private in-memory host —
 * and copies every exchange it records into the run's own trace, so the diagram still shows
 * the real roles.
 */
export interface LessonHost {
  host: Host;
  /** The private host's clock: ms added to real time (lessons that "wait" an hour). */
  clock?: { offsetMs: number };
}

export async function startLessonHost(
  sc: ScenarioDef, given: Host | undefined, trace: TraceRecorder, traceId: string, say: (text: string) => void,
): Promise<LessonHost | undefined> {
  if (sc.needsHost && !given) say('This lesson needs host powers (a token signed with the provider\'s key); without a host I can only try.');
  if (!sc.hostConfig || !sc.hostFits || (given && sc.hostFits(given.config))) return undefined;
  if (!given) {
    say(`This lesson assumes the service is configured with ${JSON.stringify(sc.hostConfig)}.`);
    return undefined;
  }
  const { startHost } = await import('../host/host.js');
  const clock = sc.needsClock ? { offsetMs: 0 } : undefined;
  // The private host records into the run's own trace, so the diagram shows its exchanges too.
  const host = await startHost({
    inMemory: true, config: sc.hostConfig, ports: { service: 0, provider: 0, mailbox: 0, smtp: 0 },
    trace,
    ...(clock ? { now: () => Date.now() + clock.offsetMs } : {}),
  });
  say(`This lesson needs a service configured with ${JSON.stringify(sc.hostConfig)}, so I started a private one at ${host.urls.service}.`);
  return { host, clock };
}
