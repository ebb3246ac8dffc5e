import { z } from 'zod';

/** The provider's part of the host config file (PROTOCOL.md §9, key "provider"). */
export const providerConfigSchema = z.strictObject({
  idJagTtlSeconds: z.number().int().positive().max(300).default(300),
});

export type ProviderConfig = z.infer<typeof providerConfigSchema>;
