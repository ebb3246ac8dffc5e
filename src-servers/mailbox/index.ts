import express, { type Express, type RequestHandler } from 'express';
import type { SMTPServer } from 'smtp-server';
import type { Db, Migration } from '../db/sqlite.js';
import { mailboxMigrations as migrations, MessageStore } from './store.js';
import { createSmtpSink } from './smtp.js';
import { errorHandler, mailboxRoutes, notFound } from './routes.js';
import { limitRequestBody } from '../http/limits.js';
import type { Exchange } from '../trace/types.js';
import { hostAllowList } from '../http/hostCheck.js';
import { framedBy } from '../http/framing.js';

/**
 * The user's inbox (PROTOCOL.md §8): an SMTP sink the service mails claim links to, and a small
 * HTTP API (plus pages) to read them. The caller listens: `smtp.listen(port, '127.0.0.1')`.
 */

export const mailboxMigrations: Migration[] = migrations;
export type { Message } from './store.js';
export { MAX_MAIL_BYTES } from './smtp.js';

export interface MailboxDeps {
  db: Db;
  recorder?: { middleware(role: 'Inbox'): RequestHandler; record?(e: Partial<Exchange>): void };
  /** Where the mailbox's own bugs are reported; default: nowhere (the client still gets a JSON 500). */
  log?: (line: string) => void;
  /** Host names besides loopback the HTTP API answers to (config `mail.allowedHosts`). */
  allowedHosts?: readonly string[];
  /** Origins that may frame the inbox pages: the studio's, once it runs (http/framing.ts). */
  frameAncestors?: () => readonly string[];
}

export interface MailboxHandle {
  app: Express;
  smtp: SMTPServer;
  stop(): Promise<void>;
}

export function createMailbox(deps: MailboxDeps): MailboxHandle {
  const store = new MessageStore(deps.db);

  // The SMTP hand-off is not HTTP, so no middleware sees it: record it here (an Exchange with method "SMTP", protocol/trace.ts).
  const smtp = createSmtpSink(store, ({ message, session, bytes, startedAt }) => {
    try {
      deps.recorder?.record?.({
        from: 'Service',
        to: 'Inbox',
        method: 'SMTP',
        url: `smtp://${session.localAddress}:${session.localPort}`,
        requestHeaders: { 'mail-from': message.from, 'rcpt-to': message.to, subject: message.subject, size: String(bytes) },
        requestBody: `Subject: ${message.subject}\n\n${message.text}`,
        status: 250,
        responseHeaders: {},
        responseBody: `250 OK: message queued as ${message.id}`,
        startedAt: new Date(startedAt).toISOString(),
        durationMs: Date.now() - startedAt,
      });
    } catch {
      // A recorder fault must never bounce a mail.
    }
  });

  const app = express();
  app.disable('x-powered-by');
  app.use(hostAllowList(deps.allowedHosts), framedBy(deps.frameAncestors)); // DESIGN.md rule 10
  if (deps.recorder) app.use(deps.recorder.middleware('Inbox'));
  // The API takes no bodies; one sent anyway is still capped like everywhere else (http/limits.ts).
  app.use(limitRequestBody());
  app.use(mailboxRoutes(store));
  app.use(notFound);
  app.use(errorHandler(deps.log ?? (() => {})));

  return {
    app,
    smtp,
    stop: () =>
      new Promise<void>((resolve) => {
        // Closing a server that never listened reports an error we do not care about.
        if (!smtp.server.listening) return resolve();
        smtp.close(() => resolve());
      }),
  };
}
