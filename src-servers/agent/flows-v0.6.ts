/**
 * The steps v0.6 adds, and how v0.6 rewords the steps it reshaped (PROTOCOL-v0.6.md §11), in plain
 * language for learners. flows.ts keeps the v0.1 text; a run that discovers a v0.6 service reads
 * its steps from here.
 */

export const V06_STEP_KEYS = ['exchange_assertion', 'sign_in_service', 'enter_user_code', 'poll_claim', 'victim_account'] as const;
export type V06StepKey = (typeof V06_STEP_KEYS)[number];

type StepText = { title: string; explanation: string };

export const STEP_TEXT_V06: Partial<Record<string, StepText>> & Record<V06StepKey, StepText> = {
  register: {
    title: 'Register at the service',
    explanation:
      'The agent posts to the identity_endpoint from the metadata. Anonymously it gets a service-signed identity assertion at once; with an ID-JAG the service checks signature, audience, expiry, replay and a fresh auth_time, then signs its own assertion — unless your email matches an existing account, when it asks that account to confirm first (interaction_required). With service_auth it starts a claim.',
  },
  exchange_assertion: {
    title: 'Exchange the assertion for an access token',
    explanation:
      'In v0.6 no registration answer carries an access token. The agent posts the service\'s own identity assertion to the token endpoint with the JWT bearer grant (RFC 7523) and receives an at_… access token with the scopes the registration allows.',
  },
  start_claim: {
    title: 'Start the claim',
    explanation:
      'To attach the anonymous registration to you, the agent posts its claim_token and your email to the claim_endpoint. No mail is sent in v0.6: the service answers with a six-digit user_code and a verification_uri, and the agent shows you both.',
  },
  sign_in_service: {
    title: 'You sign in at the service',
    explanation:
      'You open the verification_uri the agent showed you. It is the service\'s own sign-in page: you sign in with the account the claim is for, and the service sends you on to its claim page. Signing in as another account is refused there (403 Wrong account).',
  },
  enter_user_code: {
    title: 'You type the code on the claim page',
    explanation:
      'The claim page says who you are signed in as, warns you when this is a first link, and asks for the six-digit user_code the agent showed you. Typing it confirms, as the account holder, that this agent may act for you (RFC 8628\'s user code).',
  },
  poll_claim: {
    title: 'Poll the claim grant',
    explanation:
      'The agent cannot see you type the code. It polls the token endpoint with the claim grant at the interval the service gave (RFC 8628 §3.5): authorization_pending means "not yet", slow_down means "wait five seconds longer", expired_token means the code is dead. Once you confirmed, the answer carries an access token and a new identity assertion.',
  },
  victim_account: {
    title: 'The account holder signs up at the service',
    explanation:
      'For the takeover lesson: the person who owns this email already has an account at the service, made long before any agent came along. The lesson then shows what happens when a provider asserts that same email for someone else.',
  },
  approve_consent: {
    title: 'You answer the consent prompt',
    explanation:
      'You decide whether the agent may register on your behalf. With an ID-JAG your provider records your consent as a grant naming the service and its events_endpoint, where it will send a Security Event Token if you revoke. With service auth the agent asks you itself before it hands your email to the service as a login hint.',
  },
  revoke_grant: {
    title: 'You revoke the grant',
    explanation:
      'At any time you can withdraw your consent at the provider. The provider then pushes a Security Event Token (RFC 8417, "assertion revoked") to the service\'s events_endpoint, and the service stops every access token, assertion and link from that grant — at once.',
  },
};
