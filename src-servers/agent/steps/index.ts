import type { AgentStepDef, UserStepDef } from '../context.js';
import type { StepKey } from '../flows.js';
import { callApi, revokeGrant } from './api.js';
import { completeClaim, enterOtp, openLink, openMail, revealCode, startClaim, timePasses, tryKey } from './claim.js';
import { approveConsent, requestConsent } from './consent.js';
import { connectProvider, decideStep, fetchAsMetadata, fetchPrm, probe, readSkill } from './discovery.js';
import { getIdJag, register, replayIdJag } from './register.js';
import type { ProfileId } from '../../protocol/profiles.js';
import { enterUserCode, pollClaim, signInService, startClaimV06 } from './v0.6/ceremony.js';
import { exchangeAssertion, registerV06, replayIdJagV06 } from './v0.6/register.js';
import { victimAccount } from './v0.6/takeover.js';

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
  victim_account: victimAccount,
};

/** What v0.6 does differently at a step, and the steps only v0.6 has (steps/v0.6/). */
export const AGENT_STEPS_V06: Partial<Record<StepKey, AgentStepDef>> = {
  register: registerV06,
  replay_id_jag: replayIdJagV06,
  exchange_assertion: exchangeAssertion,
  start_claim: startClaimV06,
  poll_claim: pollClaim,
};

/** The agent's step for a key, in the profile the service speaks. */
export function agentStep(key: StepKey, profile?: ProfileId): AgentStepDef | undefined {
  return (profile === 'v0.6' ? AGENT_STEPS_V06[key] : undefined) ?? AGENT_STEPS[key];
}

export const USER_STEP_DEFS: Partial<Record<StepKey, UserStepDef>> = {
  approve_consent: approveConsent,
  open_mail: openMail,
  open_link: openLink,
  reveal_code: revealCode,
  enter_otp: enterOtp,
  revoke_grant: revokeGrant,
  sign_in_service: signInService,
  enter_user_code: enterUserCode,
};
