/**
 * What each lesson asks of the person at the keyboard (issue 16: "lessons open with a briefing").
 * The lesson itself — what it teaches, the failure it provokes, the remedy — comes from the agent's
 * scenario (protocol/run.ts ScenarioInfo); this map adds the person's part: what to do, what not to
 * do, where to look. Keyed by lesson id; tests/renderer/briefings.test.ts checks that every lesson
 * has one, so a new lesson cannot ship without telling the person what to do.
 */
export interface Briefing {
  /** The person's part, in order. Following it must end in "Lesson complete". */
  yourPart: string;
  /** Where the failure and the remedy show in the diagram. */
  watch: string;
  /** The consent prompt's hint in this lesson, when it differs from the usual "Allow once or Always allow". */
  consentHint?: string;
}

const ALWAYS = 'Choose "Always allow" in the consent prompt: the remedy needs a second ID-JAG, and "Always allow" lets the provider mint it without asking again (with "Allow once" you are simply asked a second time).';
const CLAIM = 'Then claim as usual: open the new mail in the Inbox, press "Open link", reveal the code in your browser and type it into the agent pane.';

export const BRIEFINGS: Record<string, Briefing> = {
  'replayed-id-jag': {
    yourPart: ALWAYS,
    watch: 'The second POST /agent/auth answers 400 replay_detected; then a fresh POST /id-jag at the provider and a registration that works.',
    consentHint: 'For this lesson choose "Always allow": the agent will need a second ID-JAG.',
  },
  'wrong-audience': {
    yourPart: ALWAYS,
    watch: 'POST /agent/auth answers 400 invalid_audience. Open that arrow\'s Tokens: aud is the API URL. The retry\'s ID-JAG is addressed to the issuer.',
    consentHint: 'For this lesson choose "Always allow": the agent will need a second ID-JAG.',
  },
  'expired-id-jag': {
    yourPart: ALWAYS,
    watch: 'POST /agent/auth answers 400 expired (exp is an hour ago); the agent fetches a fresh ID-JAG instead of retrying the old one.',
    consentHint: 'For this lesson choose "Always allow": the agent will need a second ID-JAG.',
  },
  'tampered-signature': {
    yourPart: ALWAYS,
    watch: 'POST /agent/auth answers 400 invalid_signature: the email claim was edited after signing. The agent discards the token and gets a fresh one.',
    consentHint: 'For this lesson choose "Always allow": the agent will need a second ID-JAG.',
  },
  'untrusted-provider': {
    yourPart: `Approve the consent prompt ("Allow once" is enough). When the agent then asks whether it may use your email, answer Yes. ${CLAIM}`,
    watch: 'POST /agent/auth answers 400 invalid_issuer; the agent falls back down the decision tree to verified email.',
  },
  'unverified-user': {
    yourPart: `You are Carol. Approve the consent prompt if it appears. ${CLAIM}`,
    watch: 'The provider answers 403 missing_verified_email; the agent falls back to an anonymous registration, which Carol then claims.',
  },
  'consent-denied': {
    yourPart: 'When the consent prompt appears, press "Deny". Do not allow: this lesson is about the agent taking no for an answer.',
    watch: 'Your POST to the consent page records the denial; the agent stops and registers nothing — no POST /agent/auth follows.',
    consentHint: 'This lesson is about saying no: press "Deny" in the consent prompt.',
  },
  'wrong-otp': {
    yourPart: `${CLAIM} The agent mistypes your code on purpose; when it asks again, type the same code once more.`,
    watch: 'POST /agent/auth/claim/complete answers 401 otp_invalid; after you read the code again, the retry answers 200.',
  },
  'otp-lockout': {
    yourPart: `${CLAIM} The agent then guesses wrong codes until the code locks; when it asks, press "Reveal code" again on the claim page and type the new code.`,
    watch: 'A burst of POST /agent/auth/claim/complete answering 401, then 429 otp_locked; a new code is revealed and accepted.',
  },
  'expired-claim': {
    yourPart: `Nothing at first: the lesson lets the registration expire (its service keeps an unclaimed one two seconds) and the agent starts over. ${CLAIM}`,
    watch: 'Starting the claim answers 410 claim_expired; a new POST /agent/auth follows.',
  },
  'previously-claimed': {
    yourPart: `${CLAIM} Nothing more: the agent repeats the completion by itself.`,
    watch: 'The second POST /agent/auth/claim/complete answers 409 previously_claimed, and the agent keeps its credential.',
  },
  'rate-limited': {
    yourPart: `Nothing at first: the agent registers twice, and the second time is over the limit. ${CLAIM}`,
    watch: 'The second POST /agent/auth answers 429 rate_limited with a Retry-After header; the agent moves the lesson\'s clock forward that long and retries once.',
  },
  'revoked-credential': {
    yourPart: 'Approve the consent prompt. When the agent asks, open the "Provider" tab on the right and press "Revoke" on its grant.',
    watch: 'Your DELETE at the provider makes it POST a logout token to the service; the API then answers 401 invalid_token and the agent discovers again.',
  },
  // v0.6's lessons (PROTOCOL-v0.6.md): the person's side is the service's own sign-in and claim pages, in the User's browser.
  'account-takeover': {
    yourPart: 'Choose "Always allow" in the consent prompt. On a v0.1 service that is all: watch the agent get in. On a v0.6 service the agent then hands you a code and a link — you are the account holder: sign in at the service in the User\'s browser and type the code only if you want this provider linked to your account.',
    watch: 'v0.1: POST /agent/auth answers 200 and the API acts for an account nobody confirmed. v0.6: POST /agent/identity answers 401 interaction_required with a claim block; the claim grant says authorization_pending until you confirm.',
    consentHint: 'For this lesson choose "Always allow".',
  },
  'stale-auth-time': {
    yourPart: ALWAYS,
    watch: 'POST /agent/identity answers 401 login_required with max_age: the ID-JAG says you signed in two hours ago. The agent signs in at the provider again (POST /login) and the fresh ID-JAG registers.',
    consentHint: 'For this lesson choose "Always allow": the agent will need a second ID-JAG.',
  },
  'wrong-account': {
    yourPart: 'When the agent hands you the code and link, the User\'s browser opens the service\'s sign-in: sign in as bob@service.example.com, the wrong account. The page refuses; press "Sign out, then sign in as …", sign in as the account the claim names and type the code.',
    watch: 'GET /claim answers 403 Wrong account while you are bob; after the sign-out the same link shows the code form, and the claim grant then answers the token.',
  },
  'polling-too-early': {
    yourPart: 'Take your time: when the agent shows the code and link, wait a few seconds before you sign in at the service and type the code.',
    watch: 'Each POST /oauth2/token with the claim grant answers 400 authorization_pending until you confirm; the polls are spaced by the interval the service named.',
  },
  'wrong-user-code': {
    yourPart: 'On the service\'s claim page, type a wrong 6-digit code first, then the code the agent shows.',
    watch: 'POST /agent/identity/claim/complete answers 401 with the form again and the tries left; the right code answers 200 "All set" and the next poll gets the token.',
  },
  'user-code-locked': {
    yourPart: 'On the claim page type wrong codes until it locks, then try the right one: it is refused too. Type the new code when the agent starts the claim again.',
    watch: '429 user_code_locked on the claim page, even for the right code; the claim grant answers expired_token; a new POST /agent/identity/claim hands out a fresh code.',
  },
};

export const briefingOf = (lessonId: string | undefined): Briefing | undefined => (lessonId ? BRIEFINGS[lessonId] : undefined);
