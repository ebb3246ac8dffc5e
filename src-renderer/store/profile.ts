import { DEFAULT_PROFILE, PROFILE_IDS, type ProfileId } from '../../src-servers/protocol/profiles';
import type { FlowId, FlowInfo, ScenarioInfo, StudioInfo, StudioRun } from '../types';

/** The part of the store these read (./studio.ts StudioState). */
interface ProfileState {
  info: StudioInfo | null;
  profile: ProfileId | null;
  run?: StudioRun | null;
}

/**
 * The protocol profile the person picked (DESIGN.md rule 8; PROTOCOL-v0.6.md §9): the host runs one
 * service per profile, and the next run talks to the picked one. Pure functions over the store.
 */

export type { ProfileId };
export { PROFILE_IDS };

/** The profiles the host runs a service for (the primary first). */
export const runningProfiles = (info: StudioInfo | null): ProfileId[] => info?.services.map((s) => s.profile) ?? [];

/** The profile the next run targets: the picked one when its service runs, else the primary's. */
export function pickedProfile(s: ProfileState): ProfileId {
  const running = runningProfiles(s.info);
  if (s.profile && running.includes(s.profile)) return s.profile;
  return running[0] ?? DEFAULT_PROFILE;
}

/** The protocol version live in the window: the shown run's service's, else the one the next run targets. */
export const liveProfile = (s: ProfileState): ProfileId => s.run?.service?.profile ?? pickedProfile(s);

/** The flows the studio offers against `profile`, in its order (protocol/studio.ts PROFILE_FLOWS). */
export function flowsFor(info: StudioInfo | null, profile: ProfileId): FlowInfo[] {
  if (!info) return [];
  const ids = info.profileFlows?.[profile] ?? info.flows.map((f) => f.id);
  return ids.map((id) => info.flows.find((f) => f.id === id)).filter((f): f is FlowInfo => Boolean(f));
}

/** The steps a flow plans against `profile`'s service (the agent's FlowInfo.profiles), before a run exists. */
export function plannedSteps(info: StudioInfo | null, flow: FlowId, profile: ProfileId): { name: string; title: string }[] {
  const f = info?.flows.find((x) => x.id === flow);
  return f?.profiles?.[profile] ?? f?.steps ?? [];
}

/**
 * The same flow in the other profile, where it changed name (PROTOCOL-v0.6.md §11: verified email
 * became service_auth); else the flow itself when the profile has it, else its first flow.
 */
export function equivalentFlow(info: StudioInfo | null, flow: FlowId, profile: ProfileId): FlowId {
  const ids = flowsFor(info, profile).map((f) => f.id as string);
  const renamed: Record<string, string> = { 'verified-email': 'service-auth', 'service-auth': 'verified-email' };
  if (ids.includes(flow)) return flow;
  if (ids.includes(renamed[flow])) return renamed[flow] as FlowId;
  return (ids[0] ?? flow) as FlowId;
}

/** The profiles a lesson runs against (the agent says so per lesson; a lesson that does not say runs on every one). */
export function scenarioProfiles(s: ScenarioInfo): ProfileId[] {
  const declared = (s as ScenarioInfo & { profiles?: ProfileId[] }).profiles;
  return declared?.length ? declared : [...PROFILE_IDS];
}

/** "v0.1 only", "v0.6 only", or nothing when the lesson runs against every profile. */
export function scenarioMark(s: ScenarioInfo): string {
  const on = scenarioProfiles(s);
  return on.length < PROFILE_IDS.length ? `${on.join(', ')} only` : '';
}
