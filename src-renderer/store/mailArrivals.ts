import type { Exchange, Mail } from '../types';

/**
 * A mail the service handed to the inbox, read from its recorded SMTP hand-off (mailbox/index.ts:
 * subject and envelope as headers, "Subject: …\n\n<text>" as the body, the id in the 250 answer).
 * The inbox lists it the moment the studio announces the exchange (SSE) — with no request of its
 * own: reading the mailbox over HTTP is the person's act (the agent reads a User GET to the inbox
 * as "you opened your mail"), so a refresh must never be one.
 */
export function mailFromSmtp(e: Exchange): Mail | null {
  if (e.method !== 'SMTP' || e.to !== 'Inbox' || e.status !== 250) return null;
  const id = /queued as (\S+)/.exec(e.responseBody ?? '')?.[1];
  if (!id) return null;
  const body = e.requestBody ?? '';
  const blank = body.indexOf('\n\n');
  return {
    id,
    from: e.requestHeaders['mail-from'] ?? '',
    to: e.requestHeaders['rcpt-to'] ?? '',
    subject: e.requestHeaders.subject ?? (body.split('\n')[0] ?? '').replace(/^subject:\s*/i, '') ?? 'New message',
    date: e.startedAt,
    text: blank >= 0 ? body.slice(blank + 2) : body,
    html: null,
  };
}

/** Add the mails these exchanges delivered; a copy already read from the mailbox (with its HTML) wins. */
export function withArrivals(mails: Mail[], exchanges: Exchange[]): { mails: Mail[]; arrived: string[] } {
  const known = new Set(mails.map((m) => m.id));
  const arrived = exchanges.map(mailFromSmtp).filter((m): m is Mail => m !== null && !known.has(m.id));
  return { mails: arrived.length ? [...mails, ...arrived] : mails, arrived: arrived.map((m) => m.id) };
}
