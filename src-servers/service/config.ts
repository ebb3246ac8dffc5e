import { z } from 'zod';

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
  /** PROTOCOL.md §2, §9: the longest ID-JAG lifetime (exp − iat) accepted; it also bounds how long replay and revocation rows live. */
  idJagMaxLifetimeSeconds: z.number().int().positive().max(86_400).default(3600),
  requireMfa: z.boolean().default(false),
  rateLimits: rateLimits.prefault({}),
});

export type ServiceConfig = z.infer<typeof serviceConfigSchema>;
/** What a caller may pass: any subset of the keys (a lesson asks for a service configured so). */
export type ServiceConfigInput = z.input<typeof serviceConfigSchema>;
