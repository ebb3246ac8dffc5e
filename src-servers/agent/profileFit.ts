import type { ProfileId } from '../protocol/profiles.js';
import { FLOW_PROFILES } from './flows.js';
import { scenarioDef, scenarioOn, type ScenarioDef } from './scenarios.js';
import type { AgentFlowId } from './types.js';

/**
 * Whether a flow and its lesson can run against the profile discovery found (DESIGN.md rule 8), and
 * the lesson as it runs there. A mismatch is said plainly, naming the flow that does fit.
 */
export function fitProfile(flow: AgentFlowId, scenario: ScenarioDef | undefined, profile: ProfileId): { reason: string } | { scenario?: ScenarioDef } {
  const flows = FLOW_PROFILES[flow];
  if (!flows.includes(profile)) {
    // PROTOCOL-v0.6.md §11: v0.1's verified_email assertion became v0.6's service_auth identity type.
    const instead = flow === 'verified-email' ? ' Its email path is service_auth: run the service-auth flow.'
      : flow === 'service-auth' ? ' Its email path is verified_email: run the verified-email flow.' : '';
    return { reason: `This service speaks ${profile}, and the ${flow} flow exists only in ${flows.join(', ')}.${instead}` };
  }
  if (!scenario) return {};
  const on = scenarioOn(scenarioDef(scenario.id) ?? scenario, profile);
  return 'reason' in on ? on : { scenario: on.def };
}
