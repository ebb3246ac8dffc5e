import { z } from 'zod';
import { allowedHostsSchema } from '../http/hostCheck.js';
import { DEFAULT_PROFILE, PROFILE_IDS } from '../protocol/profiles.js';

/** The service's part of the host config file (PROTOCOL.md §9, key "service"). Every key optional. */
const rateLimits = z.strictObject({
  anonymousPerIpPerHour: z.number().int().positive().default(600),
  identityAssertionPerIpPerHour: z.number().int().positive().default(600),
  anonymousPerTenantPerHour: z.number().int().positive().default(6000),
  identityAssertionPerTenantPerHour: z.number().int().positive().default(60000),
});

const scope = z.enum(['api.read', 'api.write']);

/** PROTOCOL-v0.6.md §9: a trust-list entry is an issuer URL, or `{iss, displayName}` (the name the claim page's advisory shows). */
const trustedIssuer = z.union([z.url(), z.strictObject({ iss: z.url(), displayName: z.string().trim().min(1).max(100) })]);

const serviceConfigObject = z.strictObject({
  /** DESIGN.md rule 8: the one protocol profile this service speaks end to end (`v0.1` = PROTOCOL.md, `v0.6` = PROTOCOL-v0.6.md). */
  profile: z.enum(PROFILE_IDS).default(DEFAULT_PROFILE),
  trustedIssuers: z.array(trustedIssuer).default([]),
  /** Derived from `{iss, displayName}` entries on parse; accepted as input so a parsed config parses again unchanged (startHost re-parses). */
  issuerDisplayNames: z.record(z.url(), z.string().trim().min(1).max(100)).optional(),
  trustBundledProvider: z.boolean().default(true),
  identityTypes: z
    .strictObject({
      anonymous: z.boolean().default(true),
      verifiedEmail: z.boolean().default(true), // v0.1 only
      serviceAuth: z.boolean().optional(), // v0.6 only (PROTOCOL-v0.6.md §2 service_auth); absent = on
      idJag: z.boolean().default(true),
    })
    .prefault({}),
  preClaimScopes: z.array(scope).default(['api.read']),
  postClaimScopes: z.array(scope).default(['api.read', 'api.write']),
  accessTokenTtlSeconds: z.number().int().positive().default(3600),
  registrationTtlSeconds: z.number().int().positive().default(86400),
  claimLinkTtlSeconds: z.number().int().positive().default(600),
  otpTtlSeconds: z.number().int().positive().default(600),
  otpMaxAttempts: z.number().int().positive().default(5),
  clockSkewSeconds: z.number().int().nonnegative().default(60),
  // PROTOCOL.md §4: a logout token without exp is accepted while its iat is this recent (plus skew).
  logoutTokenMaxAgeSeconds: z.number().int().positive().default(300),
  // PROTOCOL.md §2 row 4: after an unknown kid refetched an issuer's JWKS, the next may only this much later.
  jwksRefetchCooldownSeconds: z.number().int().nonnegative().default(30),
  /** PROTOCOL.md §2, §9: the longest ID-JAG lifetime (exp − iat) accepted; it also bounds how long replay and revocation rows live. */
  idJagMaxLifetimeSeconds: z.number().int().positive().max(86_400).default(3600),
  requireMfa: z.boolean().default(false),
  // PROTOCOL-v0.6.md §9: the v0.6 keys (v0.1 ignores them).
  /** §2 row 12: the oldest `auth_time` an ID-JAG may carry (OIDC `max_age`). */
  idJagMaxAuthAgeSeconds: z.number().int().positive().default(3600),
  /** §2: lifetime of a service-signed identity_assertion. */
  serviceAssertionTtlSeconds: z.number().int().positive().default(3600),
  /** §3: how long a `user_code` can be typed. */
  userCodeTtlSeconds: z.number().int().positive().default(600),
  /** §3 (beyond): wrong codes before the attempt locks (`user_code_locked`). */
  userCodeMaxAttempts: z.number().int().positive().default(5),
  /** §3, RFC 8628 §3.2 `interval`: seconds between claim-grant polls. */
  pollIntervalSeconds: z.number().int().positive().default(5),
  /** §3: the `/login` session cookie's lifetime. */
  sessionTtlSeconds: z.number().int().positive().default(86400),
  rateLimits: rateLimits.prefault({}),
  /** Host names besides loopback this server answers to (http/hostCheck.ts). */
  allowedHosts: allowedHostsSchema,
});

/**
 * The parsed config keeps `trustedIssuers` a list of URLs (what every v0.1 caller reads) and moves
 * the display names of `{iss, displayName}` entries to `issuerDisplayNames` (PROTOCOL-v0.6.md §3 advisories).
 */
export const serviceConfigSchema = serviceConfigObject.transform(({ trustedIssuers, issuerDisplayNames, ...rest }) => ({
  ...rest,
  trustedIssuers: trustedIssuers.map((t) => (typeof t === 'string' ? t : t.iss)),
  issuerDisplayNames: {
    ...issuerDisplayNames,
    ...Object.fromEntries(trustedIssuers.flatMap((t) => (typeof t === 'string' ? [] : [[t.iss, t.displayName] as const]))),
  } as Record<string, string>,
}));

export type ServiceConfig = z.output<typeof serviceConfigSchema>;
/** What a caller may pass: any subset of the keys (a lesson asks for a service configured so). */
export type ServiceConfigInput = z.input<typeof serviceConfigSchema>;
