import { z } from 'zod';
import { allowedHostsSchema } from '../http/hostCheck.js';

/**
 * Where the service's mail goes (PROTOCOL.md §9, key "mail"): null = the bundled mailbox's own
 * SMTP listener; a URL = another SMTP server (a lesson's private host sends to the studio's inbox).
 */
export const mailConfigSchema = z.strictObject({
  smtpUrl: z.string().url().nullable().default(null),
  /** Host names besides loopback the mailbox's HTTP API answers to (http/hostCheck.ts). */
  allowedHosts: allowedHostsSchema,
});

export type MailConfig = z.infer<typeof mailConfigSchema>;
