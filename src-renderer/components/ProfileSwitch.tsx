import { useState } from 'react';
import { switchProfile } from '../store/actions';
import { liveProfile, pickedProfile, PROFILE_IDS, runningProfiles, type ProfileId } from '../store/profile';
import { useStudio } from '../store/studio';
import { WhatChanged } from './WhatChanged';

/** What each version is, in the words of its contract (docs/PROTOCOL.md, docs/PROTOCOL-v0.6.md). */
const ABOUT: Record<ProfileId, string> = {
  'v0.1': 'auth.md v0.1 (docs/PROTOCOL.md): API keys, claim by email and one-time code — and the email-linking account takeover v0.5 closed',
  'v0.6': 'auth.md v0.6 (docs/PROTOCOL-v0.6.md): service-signed assertions and /oauth2/token, claim by user_code at the service\'s own sign-in, SETs',
};

/**
 * The protocol version switch (DESIGN.md rule 8, PROTOCOL-v0.6.md §9), above the flows: the host runs
 * a service per profile side by side, so switching needs no restart — the next run talks to that
 * profile's service (and a run on screen restarts there). Below it, the door to "What changed".
 */
export function ProfileSwitch() {
  const info = useStudio((s) => s.info);
  const picked = useStudio(pickedProfile);
  const busy = useStudio((s) => s.busy);
  const [changes, setChanges] = useState(false);
  const running = runningProfiles(info);
  return (
    <div className="profile-switch">
      <h2 className="side-title" id="profile-title">Protocol</h2>
      <div className="segmented" role="group" aria-labelledby="profile-title">
        {PROFILE_IDS.map((p) => (
          <button
            key={p} type="button" aria-pressed={picked === p} disabled={!info || !running.includes(p) || busy}
            title={running.includes(p) || !info ? ABOUT[p] : `No ${p} service runs in this host (start it with its companion: npm run web).`}
            onClick={() => void switchProfile(p)}
          >
            {p}
          </button>
        ))}
      </div>
      <button type="button" className="ghost small what-changed-open" onClick={() => setChanges(true)} title="v0.1 and v0.6 side by side, step by step">
        What changed?
      </button>
      <WhatChanged open={changes} onClose={() => setChanges(false)} />
    </div>
  );
}

/** The header's word on which protocol version is live (the run's on screen, else the one the next run takes). */
export function ProfileBadge() {
  const live = useStudio(liveProfile);
  return (
    <span className={`profile-live profile-${live.replace('.', '')}`} role="status" aria-label={`Protocol ${live} live`} title={ABOUT[live]}>
      <span className="sr-only">Protocol </span><strong>{live}</strong>
    </span>
  );
}
