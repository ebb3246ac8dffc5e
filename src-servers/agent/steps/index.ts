import type { AgentStepDef, UserStepDef } from '../context.js';
import type { StepKey } from '../flows.js';
import { callApi, revokeGrant } from './api.js';
import { completeClaim, enterOtp, openLink, openMail, revealCode, startClaim, timePasses, tryKey } from './claim.js';
import { approveConsent, requestConsent } from './consent.js';
import { connectProvider, decideStep, fetchAsMetadata, fetchPrm, probe, readSkill } from './discovery.js';
import { getIdJag, register, replayIdJag } from './register.js';

/** Every step the agent can take: what the agent does, or what the person does. */
export const AGENT_STEPS: Partial<Record<StepKey, AgentStepDef>> = {
  connect_provider: connectProvider,
  probe,
  fetch_prm: fetchPrm,
  fetch_as_metadata: fetchAsMetadata,
  read_skill: readSkill,
  decide: decideStep,
  request_consent: requestConsent,
  get_id_jag: getIdJag,
  register,
  replay_id_jag: replayIdJag,
  try_key: tryKey,
  time_passes: timePasses,
  start_claim: startClaim,
  complete_claim: completeClaim,
  call_api: callApi,
};

export const USER_STEP_DEFS: Partial<Record<StepKey, UserStepDef>> = {
  approve_consent: approveConsent,
  open_mail: openMail,
  open_link: openLink,
  reveal_code: revealCode,
  enter_otp: enterOtp,
  revoke_grant: revokeGrant,
};
