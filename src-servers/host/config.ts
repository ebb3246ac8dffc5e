import { readFileSync } from 'node:fs';
import { z } from 'zod';

/** The host config file (PROTOCOL.md §9). Every key optional; unknown keys are an error naming the key. */
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
  requireMfa: z.boolean().default(false),
  rateLimits: rateLimits.prefault({}),
});

export const providerConfigSchema = z.strictObject({
  idJagTtlSeconds: z.number().int().positive().max(300).default(300),
});

export const mailConfigSchema = z.strictObject({
  smtpUrl: z.string().url().nullable().default(null),
});

export const hostConfigSchema = z.strictObject({
  service: serviceConfigSchema.prefault({}),
  provider: providerConfigSchema.prefault({}),
  mail: mailConfigSchema.prefault({}),
});

export type HostConfig = z.infer<typeof hostConfigSchema>;
export type ServiceConfig = z.infer<typeof serviceConfigSchema>;
export type ProviderConfig = z.infer<typeof providerConfigSchema>;
export type MailConfig = z.infer<typeof mailConfigSchema>;
/** What a caller may pass: any subset of the file's keys. */
export type HostConfigInput = z.input<typeof hostConfigSchema>;

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

/** Validate a parsed config object; the error names each bad key by its dotted path. */
export function parseConfig(input: unknown, source = 'config'): HostConfig {
  const result = hostConfigSchema.safeParse(input ?? {});
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const path = issue.path.join('.');
    if (issue.code === 'unrecognized_keys') {
      const keys = issue.keys.map((k) => (path ? `${path}.${k}` : k));
      return `unknown key ${keys.map((k) => `"${k}"`).join(', ')}`;
    }
    return `"${path || '(root)'}": ${issue.message}`;
  });
  throw new ConfigError(`${source}: ${problems.join('; ')}`);
}

export function loadConfigFile(file: string): HostConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError(`${file}: cannot read (${(err as NodeJS.ErrnoException).code ?? err})`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new ConfigError(`${file}: not valid JSON (${(err as Error).message})`);
  }
  return parseConfig(json, file);
}
