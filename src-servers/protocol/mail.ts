/** PROTOCOL.md §8 — one message as the mailbox API answers it (GET <mailbox>/messages[/:id]). */
export interface Mail {
  id: string;
  from: string;
  to: string;
  subject: string;
  /** ISO 8601: the mail's Date header, or when it arrived. */
  date: string;
  text: string;
  /** The HTML part, or null for a text-only mail. */
  html: string | null;
}
