import { z } from 'zod';

/**
 * Where the service's mail goes (PROTOCOL.md §9, key "mail"): null = the bundled mailbox's own
 * SMTP listener; a URL = another SMTP server (a lesson's private host sends to the studio's inbox).
 */
export const mailConfigSchema = z.strictObject({
  smtpUrl: z.string().url().nullable().default(null),
});

export type MailConfig = z.infer<typeof mailConfigSchema>;
