import { z } from 'zod';
import { allowedHostsSchema } from '../http/hostCheck.js';

/** The service's part of the host config file (PROTOCOL.md §9, key "service"). Every key optional. */
const rateLimits = z.strictObject({
  anonymousPerIpPerHour: z.number().int().positive().default(600),
  identityAssertionPerIpPerHour: z.number().int().positive().default(600),
  anonymousPerTenantPerHour: z.number().int().positive().default(6000),
  identityAssertionPerTenantPerHour: z.number().int().positive().default(60000),
});

const scope = z.enum(['api.read', 'api.write']);

export const serviceConfigSchema = z.strictObject({
  trustedIssuers: z.array(z.url()).default([]),
  trustBundledProvider: z.boolean().default(true),
  identityTypes: z
    .strictObject({
      anonymous: z.boolean().default(true),
      verifiedEmail: z.boolean().default(true),
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
  rateLimits: rateLimits.prefault({}),
  /** Host names besides loopback this server answers to (http/hostCheck.ts). */
  allowedHosts: allowedHostsSchema,
});

export type ServiceConfig = z.infer<typeof serviceConfigSchema>;
/** What a caller may pass: any subset of the keys (a lesson asks for a service configured so). */
export type ServiceConfigInput = z.input<typeof serviceConfigSchema>;
