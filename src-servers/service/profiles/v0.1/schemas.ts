import { z } from 'zod';

/** Request bodies of PROTOCOL.md §2–§3. Unknown extra fields are ignored (forward compatibility). */

// A generous bound on an ID-JAG's size; anything longer is not a token we minted for anyone.
const jwt = z.string().min(1).max(16_384);

export const registrationRequest = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('anonymous'),
    requested_credential_type: z.string().optional(),
  }),
  z.object({
    type: z.literal('identity_assertion'),
    assertion_type: z.string(),
    assertion: jwt,
    requested_credential_type: z.string().optional(),
  }),
]);

const claimToken = z.string().min(1).max(512);

export const claimRequest = z.object({ claim_token: claimToken, email: z.email().max(320) });
export const challengeRequest = z.object({ claim_attempt_token: z.string().min(1).max(512) });
export const completeRequest = z.object({
  claim_token: claimToken,
  otp: z.string().regex(/^\d{6}$/, 'must be the 6-digit code shown on the claim page'),
});
