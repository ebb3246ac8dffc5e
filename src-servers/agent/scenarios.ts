import type { ProfileId } from '../protocol/profiles.js';
import type { ServiceConfig, ServiceConfigInput } from '../service/config.js';
import type { ConsentChoice } from './user.js';
import type { ScenarioInfo } from './types.js';

/**
 * Lessons: each scenario makes one thing go wrong on purpose, and the agent applies AUTH.md's
 * remedy. A scenario succeeds when the expected failure happened *and* the remedy was applied.
 */

/** What a lesson expects and teaches, where a profile changes it. */
type LessonText = Pick<ScenarioInfo, 'expected' | 'remedy'> & { expectedCode: string };

export interface ScenarioDef extends Omit<ScenarioInfo, 'profiles'> {
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
  /** Why the lesson does not apply to a profile (it runs against every other). */
  notOn?: Partial<Record<ProfileId, string>>;
  /** What the lesson expects on a profile where the protocol behaves differently. */
  on?: Partial<Record<ProfileId, LessonText>>;
}

export const SHORT_REGISTRATION_TTL_SECONDS = 2;

const V06_HAS_NO_OTP =
  'v0.6 has no one-time codes (PROTOCOL-v0.6.md §7): you type the service\'s user_code on its own claim page, and a wrong or locked code is that page\'s answer (401, 429), not the agent\'s — see the lessons wrong-user-code and user-code-locked. Run this one against a v0.1 service.';
const V01_HAS_NO_USER_CODE =
  'v0.1 has no user_code: the claim page reveals a one-time code that you read back to the agent (PROTOCOL.md §3) — see the lessons wrong-otp and otp-lockout. Run this one against a v0.6 service.';

/** The takeover lesson's victim: an address the provider asserts as verified (its user alice). */
export const TAKEOVER_VICTIM = 'alice@example.com';

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
    on: {
      'v0.6': {
        expectedCode: 'invalid_issuer',
        expected: 'Registering with an ID-JAG from a provider the service does not trust answers 400 invalid_issuer.',
        remedy: 'Fall back down the decision tree: service auth (the service checks your email itself when you sign in), or anonymous.',
      },
    },
  },
  {
    id: 'unverified-user', flow: 'id-jag', title: 'Unverified user (carol)',
    lesson: 'A provider vouches only for verified identities. Carol\'s email is not verified.',
    expected: 'The provider refuses to mint an ID-JAG for Carol: 403 missing_verified_email.',
    remedy: 'Do not assert an unverified email: fall back to anonymous registration, which Carol can claim.',
    expectedCode: 'missing_verified_email', userEmail: 'carol@example.com',
    on: {
      'v0.6': {
        expectedCode: 'missing_verified_email',
        expected: 'The provider refuses to mint an ID-JAG for Carol: 403 missing_verified_email.',
        remedy: 'Do not assert an unverified email: fall back to service auth, where the service checks the address itself when Carol signs in and types the code.',
      },
    },
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
    notOn: { 'v0.6': V06_HAS_NO_OTP },
  },
  {
    id: 'otp-lockout', flow: 'anonymous', title: 'Code locked after too many tries',
    lesson: 'Each code accepts only a few wrong guesses (otpMaxAttempts), so guessing six digits is hopeless.',
    expected: 'After otpMaxAttempts wrong codes the service answers 429 otp_locked, even for the right one.',
    remedy: 'Ask the user to reveal a new code on the claim page, then use that.',
    expectedCode: 'otp_locked',
    notOn: { 'v0.6': V06_HAS_NO_OTP },
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
    notOn: {
      'v0.6': 'In v0.6 the agent never completes a claim: you confirm it on the service\'s claim page, and the agent polls the claim grant, which simply answers again with a new token. There is no completion to retry.',
    },
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
  // v0.6's lessons (issue 17): the holes v0.5 closed, and the ceremony's two mistakes.
  {
    id: 'account-takeover', flow: 'id-jag', title: 'Account takeover by email linking',
    lesson:
      'Any provider a service trusts can mint an ID-JAG saying email_verified for any address. If the service links that to the existing account with the same email, whoever controls the provider controls the account. v0.5 closed this: the first link must be confirmed by the account holder.',
    expected: 'The ID-JAG for the account holder\'s email answers 401 interaction_required with a claim block, and no token.',
    remedy: 'Hand the code and link to the person; only the account holder, signed in at the service, can confirm. Then poll the claim grant.',
    expectedCode: 'interaction_required', userEmail: TAKEOVER_VICTIM, consentChoice: 'always',
    on: {
      'v0.1': {
        expectedCode: 'account_linked_silently',
        expected: 'The ID-JAG for the account holder\'s email is linked to their existing account at once: the agent gets a credential for an account nobody confirmed.',
        remedy: 'Nothing the agent can do: this is the service\'s hole. A v0.6 service asks the account holder first (interaction_required).',
      },
    },
  },
  {
    id: 'stale-auth-time', flow: 'id-jag', title: 'Stale sign-in (auth_time)',
    lesson: 'A v0.6 service accepts an ID-JAG only if you signed in at the provider recently: its auth_time must be at most an hour old.',
    expected: 'Registering with an ID-JAG whose auth_time is two hours old answers 401 login_required with max_age.',
    remedy: 'Sign in at the provider again for a fresh auth_time, get a fresh ID-JAG, and register once more.',
    expectedCode: 'login_required', consentChoice: 'always',
    notOn: { 'v0.1': 'v0.1 has no auth_time rule (PROTOCOL.md §2: auth_time is optional and never checked for age), so a stale sign-in is accepted there. Run it against a v0.6 service.' },
  },
  {
    id: 'wrong-account', flow: 'anonymous', title: 'Wrong account at the claim page',
    lesson: 'The claim is for one account: the email the agent gave. Signed in at the service as somebody else, the claim page refuses outright.',
    expected: 'You sign in at the service as bob@service.example.com; the claim page for alice\'s claim answers 403 Wrong account.',
    remedy: 'Sign out and sign in again as the account the claim is for, then type the code.',
    expectedCode: 'wrong_account',
    notOn: { 'v0.1': 'v0.1 has no sign-in at the service: the claim link in the mail is the proof (PROTOCOL.md §3). Run it against a v0.6 service.' },
  },
  {
    id: 'polling-too-early', flow: 'anonymous', title: 'Polling before you confirm',
    lesson: 'The agent cannot see you type the code, so it polls the claim grant. Until you confirm the answer is "not yet"; asking faster than the interval is rude, and slow_down asks for five seconds more.',
    expected: 'Polling the claim grant before you typed the code answers 400 authorization_pending.',
    remedy: 'Keep polling, no faster than the interval the service gave (RFC 8628 §3.5), until you confirm.',
    expectedCode: 'authorization_pending',
    notOn: { 'v0.1': 'v0.1 has no claim grant to poll: the agent completes the claim itself with the code you read to it (PROTOCOL.md §3). Run it against a v0.6 service.' },
  },
  {
    id: 'wrong-user-code', flow: 'anonymous', title: 'Wrong code on the claim page',
    lesson: 'The code the agent shows you must be typed exactly; a wrong one is refused on the page and counts toward its limit.',
    expected: 'Typing a wrong code on the service\'s claim page answers 401, and the form is shown again.',
    remedy: 'Read the code the agent shows you again and type it once more; the agent keeps polling.',
    expectedCode: 'user_code_invalid',
    notOn: { 'v0.1': V01_HAS_NO_USER_CODE },
  },
  {
    id: 'user-code-locked', flow: 'anonymous', title: 'Code locked after too many tries',
    lesson: 'A code takes only a few wrong tries (userCodeMaxAttempts), so guessing six digits is hopeless. Our service locks it (beyond the reference, which has no limit).',
    expected: 'After userCodeMaxAttempts wrong codes the claim page answers 429 user_code_locked, even for the right one.',
    remedy: 'The agent starts the claim again for a new code, and you type that one.',
    expectedCode: 'user_code_locked',
    notOn: { 'v0.1': V01_HAS_NO_USER_CODE },
  },
  {
    id: 'revoked-credential', flow: 'revocation', title: 'Revoked credential',
    lesson: 'A credential can stop working at any time, e.g. when the user revokes the grant.',
    expected: 'The API answers 401 with error="invalid_token" for the credential that used to work.',
    remedy: 'Drop the credential and discover again from the start; never retry with the dead one.',
    expectedCode: 'invalid_token',
  },
];

const ALL_PROFILES: ProfileId[] = ['v0.1', 'v0.6'];

/** The profiles a lesson runs against. */
export const scenarioProfiles = (s: ScenarioDef): ProfileId[] => ALL_PROFILES.filter((p) => !s.notOn?.[p]);

export const SCENARIOS: ScenarioInfo[] = SCENARIO_DEFS.map((s) => ({
  id: s.id, title: s.title, flow: s.flow, lesson: s.lesson, expected: s.expected, remedy: s.remedy, profiles: scenarioProfiles(s),
}));

export function scenarioDef(id: string | undefined): ScenarioDef | undefined {
  return id ? SCENARIO_DEFS.find((s) => s.id === id) : undefined;
}

/** The lesson as it runs against a profile: what it expects there (`on`), or why it cannot run (`notOn`). */
export function scenarioOn(s: ScenarioDef, profile: ProfileId): { def: ScenarioDef } | { reason: string } {
  const reason = s.notOn?.[profile];
  if (reason) return { reason: `The lesson "${s.title}" does not apply to this ${profile} service: ${reason}` };
  return { def: { ...s, ...s.on?.[profile] } };
}

