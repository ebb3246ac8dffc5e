import type { HostPowers, LessonHost, LessonHostRequest } from '../agent/index.js';
import { startHost, type Host } from './host.js';
import type { HostService } from './services.js';

/**
 * The powers a host hands the agent for its lessons (DESIGN.md rule 6). Some lessons need a
 * service configured for them (a short registration TTL, a tiny rate limit); when the given host's
 * service is not, the agent asks for a private in-memory host. Its exchanges are recorded into the
 * run's own trace, so the diagram still shows the real roles, and — beside a given host — its mail
 * goes over SMTP to that host's mailbox: the person has one inbox, whichever service writes to them.
 *
 * `given` is the host whose service the run talks to; without one (the agent CLI against URLs) a
 * private host keeps its own inbox. `service` is the one of its services the run targets (default the
 * primary): a private host speaks that service's profile, unless the lesson asks for another.
 */
export function hostPowers(given?: Host, service: HostService | undefined = given?.services[0]): HostPowers {
  return {
    serviceConfig: service?.config ?? given?.config.service,
    startLessonHost: (request) => startLessonHost(request, given, service?.profile),
  };
}

async function startLessonHost(request: LessonHostRequest, given: Host | undefined, profile: HostService['profile'] | undefined): Promise<LessonHost> {
  const clock = request.clock ? { offsetMs: 0 } : undefined;
  const service = { ...(profile ? { profile } : {}), ...request.service };
  const host = await startHost({
    inMemory: true,
    config: { service, ...(given ? { mail: { smtpUrl: given.urls.smtp } } : {}) },
    ports: { service: 0, provider: 0, mailbox: 0, smtp: 0 },
    trace: request.trace,
    // Its pages show in the given host's studio panes, so that studio frames them.
    ...(given ? { frameAncestors: () => given.frameAncestors() } : {}),
    ...(clock ? { now: () => Date.now() + clock.offsetMs } : {}),
  });
  return {
    urls: host.urls,
    serviceConfig: host.config.service,
    mailboxUrl: given ? given.urls.mailbox : host.urls.mailbox,
    mailToGivenInbox: Boolean(given),
    ...(clock ? { fastForward: (seconds: number) => void (clock.offsetMs += seconds * 1000) } : {}),
    stop: () => host.stop(),
  };
}
