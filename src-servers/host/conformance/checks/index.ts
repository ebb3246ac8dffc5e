import type { CheckContext } from '../context.js';
import type { Check, Profile } from '../types.js';
import { discoveryChecks } from './discovery.js';
import { registrationChecks } from './registration.js';
import { resourceChecks } from './resource.js';
import { badInputChecks } from './badInput.js';
import { idJagChecks } from './idJag.js';
import { emailChecks } from './email.js';
import { errorChecks } from './errors.js';
import { providerChecks } from './provider.js';
import { claimCeremonyChecks } from './claimCeremony.js';
import { linkingChecks } from './linking.js';
import { logoutTokenChecks } from './logoutToken.js';
import { providerRevocationChecks } from './providerRevocation.js';
import { discoveryChecks06 } from './v06/discovery.js';
import { registrationChecks06 } from './v06/registration.js';
import { idJagChecks06 } from './v06/idJag.js';
import { tokenChecks06 } from './v06/token.js';
import { eventChecks06 } from './v06/events.js';
import { claimChecks06 } from './v06/claim.js';
import { inputChecks06 } from './v06/input.js';
import { errorChecks06 } from './v06/errors.js';

/**
 * Every check of both profiles, in run order: discovery first, the error-code audit last (it reads
 * the others' evidence). An id may appear once per profile (e.g. `discovery.as` of v0.1 and of v0.6).
 */
export const ALL_CHECKS: Check<CheckContext>[] = [
  ...discoveryChecks, ...discoveryChecks06, ...registrationChecks, ...registrationChecks06, ...resourceChecks, ...tokenChecks06, ...badInputChecks, ...inputChecks06,
  ...idJagChecks, ...idJagChecks06, ...logoutTokenChecks, ...eventChecks06, ...claimChecks06, ...emailChecks, ...claimCeremonyChecks, ...linkingChecks,
  ...providerChecks, ...providerRevocationChecks, ...errorChecks, ...errorChecks06,
];

/** The checks of one profile, narrowed by `--only` (exact ids, or a prefix ending in "." or "*"). */
export function selectChecks(profile: Profile, only: string[], checks = ALL_CHECKS): Check<CheckContext>[] {
  const ofProfile = checks.filter((c) => c.profiles.includes(profile));
  if (only.length === 0) return ofProfile;
  const matches = (id: string) => only.some((o) => o === id || (o.endsWith('*') && id.startsWith(o.slice(0, -1))) || (o.endsWith('.') && id.startsWith(o)));
  return ofProfile.filter((c) => matches(c.id));
}
