import { randomBytes } from 'node:crypto';
import type { Db, Migration } from '../db/sqlite.js';
import type { Mail } from '../protocol/mail.js';

/** The inbox: every mail the SMTP sink accepted, as parsed. The mailbox's own database (DESIGN.md rule 5). */
export const mailboxMigrations: Migration[] = [
  {
    version: 1,
    sql: `
      CREATE TABLE messages (
        seq         INTEGER PRIMARY KEY AUTOINCREMENT,  -- arrival order: "newest first" sorts on it
        id          TEXT NOT NULL UNIQUE,
        received_at INTEGER NOT NULL,
        mail_from   TEXT NOT NULL,
        mail_to     TEXT NOT NULL,
        subject     TEXT NOT NULL,
        date        TEXT NOT NULL,
        text        TEXT NOT NULL,
        html        TEXT,
        envelope    TEXT NOT NULL                       -- JSON {mailFrom, rcptTo}: who SMTP said it was for
      );
    `,
  },
];

/** The wire shape of one message: declared once, in protocol/mail.ts (PROTOCOL.md §8). */
export type Message = Mail;

export interface StoredMessage extends Message {
  envelope: { mailFrom: string; rcptTo: string[] };
}

interface Row {
  id: string;
  mail_from: string;
  mail_to: string;
  subject: string;
  date: string;
  text: string;
  html: string | null;
}

const toMessage = (r: Row): Message => ({ id: r.id, from: r.mail_from, to: r.mail_to, subject: r.subject, date: r.date, text: r.text, html: r.html });

export class MessageStore {
  constructor(private readonly db: Db) {}

  add(m: Omit<StoredMessage, 'id'>, receivedAt: number): Message {
    const id = `msg_${randomBytes(9).toString('base64url')}`;
    this.db
      .prepare(
        `INSERT INTO messages (id, received_at, mail_from, mail_to, subject, date, text, html, envelope)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(id, receivedAt, m.from, m.to, m.subject, m.date, m.text, m.html, JSON.stringify(m.envelope));
    return { id, from: m.from, to: m.to, subject: m.subject, date: m.date, text: m.text, html: m.html };
  }

  /** Newest first (PROTOCOL.md §8). */
  list(): Message[] {
    return (this.db.prepare('SELECT * FROM messages ORDER BY seq DESC').all() as Row[]).map(toMessage);
  }

  get(id: string): Message | undefined {
    const row = this.db.prepare('SELECT * FROM messages WHERE id = ?').get(id) as Row | undefined;
    return row && toMessage(row);
  }

  clear(): void {
    this.db.prepare('DELETE FROM messages').run();
  }
}
