import type { ProfileId } from '../../protocol/profiles.js';
import type { ServiceProfile } from './types.js';
import { profileV01 } from './v0.1/index.js';
import { profileV06 } from './v0.6/index.js';

export type { MountOptions, ServiceProfile } from './types.js';

/** DESIGN.md rule 8: the registry of profiles; `service.profile` picks one (protocol/profiles.ts). */
const PROFILES: Record<ProfileId, ServiceProfile> = {
  'v0.1': profileV01,
  'v0.6': profileV06,
};

export function serviceProfile(id: ProfileId): ServiceProfile {
  return PROFILES[id];
}
