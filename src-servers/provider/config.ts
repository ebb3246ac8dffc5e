import { z } from 'zod';
import { allowedHostsSchema } from '../http/hostCheck.js';

/** The provider's part of the host config file (PROTOCOL.md §9, key "provider"). */
export const providerConfigSchema = z.strictObject({
  idJagTtlSeconds: z.number().int().positive().max(300).default(300),
  /** Host names besides loopback this server answers to (http/hostCheck.ts). */
  allowedHosts: allowedHostsSchema,
  /** The teaching endpoint POST /lessons/id-jag (lessons.ts); absent = on, as the bundled studio's lessons need it. */
  lessons: z.boolean().optional(),
});

export type ProviderConfig = z.infer<typeof providerConfigSchema>;
