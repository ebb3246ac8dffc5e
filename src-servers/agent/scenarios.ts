import type { ServiceConfig, ServiceConfigInput } from '../service/config.js';
import type { ConsentChoice } from './user.js';
import type { ScenarioInfo } from './types.js';

/**
 * Lessons: each scenario makes one thing go wrong on purpose, and the agent applies AUTH.md's
 * remedy. A scenario succeeds when the expected failure happened *and* the remedy was applied.
 */

export interface ScenarioDef extends ScenarioInfo {
  /** The error code (or "consent_denied") that must be seen. */
  expectedCode: string;
  /** The person in this lesson (default alice@example.com). */
  userEmail?: string;
  /** What autopilot presses on the consent page. */
  consentChoice?: ConsentChoice;
  /** A service configured for the lesson; `serviceFits` says whether the given service already is. */
  serviceConfig?: ServiceConfigInput;
  serviceFits?: (config: ServiceConfig) => boolean;
  /** Runs on a private host whose clock the agent may move forward (to "wait" an hour-long Retry-After). */
  needsClock?: boolean;
}

export const SHORT_REGISTRATION_TTL_SECONDS = 2;

export const SCENARIO_DEFS: ScenarioDef[] = [
  {
    id: 'replayed-id-jag', flow: 'id-jag', title: 'Replayed ID-JAG',
    lesson: 'An ID-JAG can be used once: its jti is remembered until it expires.',
    expected: 'Registering a second time with the same assertion answers 400 replay_detected.',
    remedy: 'Never re-send an assertion: mint a fresh ID-JAG and register with it.',
    expectedCode: 'replay_detected', consentChoice: 'always',
  },
  {
    id: 'wrong-audience', flow: 'id-jag', title: 'Wrong audience',
    lesson: 'An ID-JAG is addressed to one authorization server: its aud must equal the issuer in the AS metadata, not the API URL.',
    expected: 'Registering with an ID-JAG whose aud is the resource URL answers 400 invalid_audience.',
    remedy: 'Request a new ID-JAG with audience = the issuer from the authorization server metadata.',
    expectedCode: 'invalid_audience', consentChoice: 'always',
  },
  {
    id: 'expired-id-jag', flow: 'id-jag', title: 'Expired ID-JAG',
    lesson: 'ID-JAGs live at most five minutes; the service allows only a small clock skew.',
    expected: 'Registering with an expired assertion answers 400 expired.',
    remedy: 'Do not retry the old token: get a fresh ID-JAG from the provider.',
    expectedCode: 'expired', consentChoice: 'always',
  },
  {
    id: 'tampered-signature', flow: 'id-jag', title: 'Tampered signature',
    lesson: 'The service checks each ID-JAG\'s signature with the provider\'s published keys; any change to the token breaks it.',
    expected: 'Registering with an ID-JAG whose claims were edited answers 400 invalid_signature.',
    remedy: 'Never "fix" a token: discard it and get a fresh one from the provider.',
    expectedCode: 'invalid_signature', consentChoice: 'always',
  },
  {
    id: 'untrusted-provider', flow: 'id-jag', title: 'Untrusted provider',
    lesson: 'A service accepts ID-JAGs only from issuers on its trust list.',
    expected: 'Registering with an ID-JAG from a provider the service does not trust answers 400 invalid_issuer.',
    remedy: 'Fall back down the decision tree: verified email (or anonymous).',
    expectedCode: 'invalid_issuer',
  },
  {
    id: 'unverified-user', flow: 'id-jag', title: 'Unverified user (carol)',
    lesson: 'A provider vouches only for verified identities. Carol\'s email is not verified.',
    expected: 'The provider refuses to mint an ID-JAG for Carol: 403 missing_verified_email.',
    remedy: 'Do not assert an unverified email: fall back to anonymous registration, which Carol can claim.',
    expectedCode: 'missing_verified_email', userEmail: 'carol@example.com',
  },
  {
    id: 'consent-denied', flow: 'id-jag', title: 'Consent denied',
    lesson: 'Consent is the user\'s to give. No means no.',
    expected: 'You press Deny on the consent page; the provider records the request as denied.',
    remedy: 'Stop. Never register without consent, and do not try another way behind the user\'s back.',
    expectedCode: 'consent_denied', consentChoice: 'deny',
  },
  {
    id: 'wrong-otp', flow: 'anonymous', title: 'Wrong code',
    lesson: 'A mistyped code is refused, and counts toward the attempt limit.',
    expected: 'Finishing the claim with a wrong code answers 401 otp_invalid.',
    remedy: 'Ask the user for the code again, then retry.',
    expectedCode: 'otp_invalid',
  },
  {
    id: 'otp-lockout', flow: 'anonymous', title: 'Code locked after too many tries',
    lesson: 'Each code accepts only a few wrong guesses (otpMaxAttempts), so guessing six digits is hopeless.',
    expected: 'After otpMaxAttempts wrong codes the service answers 429 otp_locked, even for the right one.',
    remedy: 'Ask the user to reveal a new code on the claim page, then use that.',
    expectedCode: 'otp_locked',
  },
  {
    id: 'expired-claim', flow: 'anonymous', title: 'Claim too late',
    lesson: 'An unclaimed anonymous registration expires after the registration TTL; its key stops working.',
    expected: 'Starting the claim after the TTL answers 410 claim_expired.',
    remedy: 'Start over with a new registration and claim it in time.',
    expectedCode: 'claim_expired',
    serviceConfig: { registrationTtlSeconds: SHORT_REGISTRATION_TTL_SECONDS },
    serviceFits: (c) => c.registrationTtlSeconds <= 5,
  },
  {
    id: 'previously-claimed', flow: 'anonymous', title: 'Already claimed',
    lesson: 'Completing a claim is idempotent in effect: a retry after a lost answer finds the claim done.',
    expected: 'Completing the same claim a second time answers 409 previously_claimed.',
    remedy: 'The credential is already claimed: keep using it.',
    expectedCode: 'previously_claimed',
  },
  {
    id: 'rate-limited', flow: 'anonymous', title: 'Rate limited',
    lesson: 'Services limit how often one address may register.',
    expected: 'A registration over the limit answers 429 rate_limited with a Retry-After header.',
    remedy: 'Wait as long as Retry-After says, then retry once.',
    expectedCode: 'rate_limited',
    // The service counts in hourly windows, so Retry-After may be most of an hour: this lesson
    // always runs on a private host with a studio clock that the agent moves forward.
    serviceConfig: { rateLimits: { anonymousPerIpPerHour: 1 } },
    serviceFits: () => false,
    needsClock: true,
  },
  {
    id: 'revoked-credential', flow: 'revocation', title: 'Revoked credential',
    lesson: 'A credential can stop working at any time, e.g. when the user revokes the grant.',
    expected: 'The API answers 401 with error="invalid_token" for the credential that used to work.',
    remedy: 'Drop the credential and discover again from the start; never retry with the dead one.',
    expectedCode: 'invalid_token',
  },
];

export const SCENARIOS: ScenarioInfo[] = SCENARIO_DEFS.map(({ id, title, flow, lesson, expected, remedy }) => ({
  id, title, flow, lesson, expected, remedy,
}));

export function scenarioDef(id: string | undefined): ScenarioDef | undefined {
  return id ? SCENARIO_DEFS.find((s) => s.id === id) : undefined;
}

