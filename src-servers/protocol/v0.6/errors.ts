/**
 * Every error code a v0.6 service answers, per surface (docs/PROTOCOL-v0.6.md §10). The surfaces
 * have four envelopes (the table at the top of PROTOCOL-v0.6.md); these lists are the contract
 * the service throws from, AUTH.md's v0.6 error table is checked against, and the agent's
 * remedies are keyed by.
 */

/** `/agent/identity`, `/agent/identity/claim` (`{"error","message"}`; the two 401s use `error_description`). */
export const IDENTITY_ERROR_STATUS_V06 = {
  invalid_request: 400,
  invalid_login_hint: 400,
  invalid_issuer: 400,
  invalid_signature: 400,
  expired: 400,
  invalid_audience: 400,
  invalid_client_id: 400,
  replay_detected: 400,
  missing_verified_email: 400,
  anonymous_not_enabled: 400,
  service_auth_not_enabled: 400,
  issuer_not_enabled: 400,
  login_required: 401,
  interaction_required: 401,
  invalid_claim_token: 401,
  claimed_or_in_flight: 409,
  claim_expired: 410,
  rate_limited: 429,
} as const;
export type IdentityErrorCodeV06 = keyof typeof IDENTITY_ERROR_STATUS_V06;

/** `/oauth2/token`, `/oauth2/revoke` (RFC 6749 §5.2 `{"error","error_description"}`). */
export const TOKEN_ERROR_STATUS_V06 = {
  invalid_request: 400,
  invalid_grant: 400,
  unsupported_grant_type: 400,
  // RFC 8628 §3.5, used by the claim grant (PROTOCOL-v0.6.md §5)
  authorization_pending: 400,
  expired_token: 400,
  slow_down: 400, // documented, never sent
  invalid_client: 401, // documented, never sent
} as const;
export type TokenErrorCodeV06 = keyof typeof TOKEN_ERROR_STATUS_V06;

/** `/agent/event/notify` (RFC 8935 §2.4 `{"err","description"}`), every one 400. */
export const EVENT_ERRORS_V06 = [
  'invalid_request', 'invalid_issuer', 'authentication_failed', 'invalid_audience',
  'invalid_key', // in RFC 8935's set, never sent
] as const;
export type EventErrorCodeV06 = (typeof EVENT_ERRORS_V06)[number];

/** RS `/api/resource` (`{"error","message"}`, RFC 6750 §3 headers). */
export const RESOURCE_ERROR_STATUS_V06 = { unauthorized: 401, insufficient_scope: 403 } as const;

/** The HTML outcomes of `/login`, `/claim` and `/agent/identity/claim/complete` (PROTOCOL-v0.6.md §3), by page name. */
export const CLAIM_PAGE_OUTCOMES_V06 = {
  bad_form: 400,
  user_code_invalid: 401,
  wrong_account: 403,
  link_invalid: 404,
  previously_claimed: 409,
  user_code_expired: 410,
  link_expired: 410,
  claim_expired: 410,
  user_code_locked: 429, // beyond
} as const;
export type ClaimPageOutcomeV06 = keyof typeof CLAIM_PAGE_OUTCOMES_V06;

/**
 * Every JSON surface, both profiles: the host's HTTP plumbing (PROTOCOL.md §9, which
 * PROTOCOL-v0.6.md §9 keeps), in the surface's own envelope.
 */
export const HTTP_ERROR_STATUS_V06 = {
  not_found: 404,
  method_not_allowed: 405,
  payload_too_large: 413,
  unsupported_media_type: 415,
  misdirected_request: 421,
} as const;
