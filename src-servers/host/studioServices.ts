import { AGENT_FLOWS, type AgentFlowId } from '../agent/index.js';
import type { ProfileId } from '../protocol/profiles.js';
import { PROFILE_FLOWS } from '../protocol/studio.js';
import type { Host } from './host.js';
import type { HostService } from './services.js';
import { StudioError } from './studioRuns.js';

/** The studio's view of the host's services, one per profile (DESIGN.md rule 8, PROTOCOL-v0.6.md §9). */

const FLOW_IDS: string[] = AGENT_FLOWS.map((f) => f.id);

/** The flows the studio offers per profile (PROFILE_FLOWS), of those the agent knows. */
export function profileFlows(profiles: readonly ProfileId[]): Partial<Record<ProfileId, AgentFlowId[]>> {
  return Object.fromEntries(profiles.map((p) => [p, PROFILE_FLOWS[p].filter((f): f is AgentFlowId => FLOW_IDS.includes(f))]));
}

/** The service speaking `profile` (default: the primary), or a 400 naming the ones this host runs. */
export function serviceForProfile(host: Host, profile: ProfileId | undefined): HostService {
  if (!profile) return host.services[0];
  const found = host.serviceFor(profile);
  if (found) return found;
  const running = host.services.map((s) => s.profile).join(', ');
  throw new StudioError(
    400, 'profile_not_running',
    `No ${profile} service runs in this host (it runs ${running}); start it with its companion (npm run web, or npm run serve -- --companion).`,
  );
}
