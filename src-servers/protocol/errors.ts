/**
 * Every error code on the wire, with its HTTP status (PROTOCOL.md §2–§6).
 * Routes and checks throw `ProtocolError(code)`; one error handler turns it into
 * `{"error": code, "message": text}`. The token endpoints use RFC 6749 §5.2 instead.
 */
export const ERROR_STATUS = {
  // §2 registration and ID-JAG verification
  invalid_request: 400,
  invalid_issuer: 400,
  invalid_signature: 400,
  expired: 400,
  invalid_audience: 400,
  invalid_client_id: 400,
  replay_detected: 400,
  missing_verified_email: 400,
  insufficient_user_authentication: 400,
  unsupported_credential_type: 400,
  anonymous_not_enabled: 400,
  verified_email_not_enabled: 400,
  id_jag_not_enabled: 400,
  rate_limited: 429,
  // §3 claim ceremony
  invalid_claim_token: 401,
  claimed_or_in_flight: 409,
  claim_expired: 410,
  claim_completed: 409,
  claim_superseded: 410,
  otp_not_generated: 400,
  otp_invalid: 401,
  previously_claimed: 409,
  otp_expired: 410,
  otp_locked: 429,
  // §1 resource server (RFC 6750 §3)
  invalid_token: 401,
  insufficient_scope: 403,
  // generic
  not_found: 404,
  method_not_allowed: 405,
  payload_too_large: 413,
  unsupported_media_type: 415,
  // RFC 9110 §15.5.20: a Host this server does not answer to (DNS rebinding, http/hostCheck.ts)
  misdirected_request: 421,
  server_error: 500,
  // §6 provider; consent_required also at the service (§4: an ID-JAG minted before its consent was withdrawn)
  unknown_user: 401,
  consent_required: 403,
  unauthorized: 401,
  // PROTOCOL-v0.6.md §6 — DELETE /grants/:id: the service did not take the SET; the grant is kept
  revocation_failed: 500,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

/** The HTTP servers that answer with this envelope. */
export type Role = 'service' | 'provider' | 'mailbox' | 'studio';

/**
 * Where a role answers a code with another status than ERROR_STATUS. PROTOCOL.md §6: the provider's
 * `/id-jag` refuses an unverified user with `403 missing_verified_email` (a refusal to act for this
 * user), while the service's §2 check answers the same code with `400` (a bad assertion).
 */
export const ROLE_STATUS: { readonly [R in Role]?: Partial<Record<ErrorCode, number>> } = {
  provider: { missing_verified_email: 403 },
};

/** The status `role` answers `code` with: its own entry in ROLE_STATUS, else ERROR_STATUS. */
export function statusFor(code: ErrorCode, role: Role): number {
  return ROLE_STATUS[role]?.[code] ?? ERROR_STATUS[code];
}

/** Codes that POST /agent/auth and the claim ceremony may answer: AUTH.md lists exactly these. */
export const SERVICE_ERROR_CODES = [
  'invalid_request', 'invalid_issuer', 'invalid_signature', 'expired', 'invalid_audience',
  'invalid_client_id', 'replay_detected', 'missing_verified_email',
  'insufficient_user_authentication', 'unsupported_credential_type', 'anonymous_not_enabled',
  'verified_email_not_enabled', 'id_jag_not_enabled', 'rate_limited', 'invalid_claim_token',
  'claimed_or_in_flight', 'claim_expired', 'claim_completed', 'claim_superseded',
  'otp_not_generated', 'otp_invalid', 'previously_claimed', 'otp_expired', 'otp_locked',
  'invalid_token', 'insufficient_scope', 'consent_required',
] as const satisfies readonly ErrorCode[];

export class ProtocolError extends Error {
  /** The ERROR_STATUS default; the error handler answers `statusFor(code, role)`, which may differ per role. */
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    message: string,
    /** Extra response headers, e.g. Retry-After for `rate_limited`. */
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'ProtocolError';
    this.status = ERROR_STATUS[code];
  }
  toJSON() {
    return { error: this.code, message: this.message };
  }
}

/** RFC 6749 §5.2 error codes for /oauth2/token. */
export type OAuthErrorCode =
  | 'invalid_request' | 'invalid_client' | 'invalid_grant' | 'unauthorized_client'
  | 'unsupported_grant_type' | 'invalid_scope' | 'invalid_target';

export class OAuthError extends Error {
  constructor(readonly code: OAuthErrorCode, readonly description: string, readonly status = 400) {
    super(description);
    this.name = 'OAuthError';
  }
  toJSON() {
    return { error: this.code, error_description: this.description };
  }
}
