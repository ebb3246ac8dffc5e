import { simpleParser, type AddressObject } from 'mailparser';
import { SMTPServer, type SMTPServerDataStream, type SMTPServerSession } from 'smtp-server';
import type { Message, MessageStore } from './store.js';

/**
 * The SMTP sink the service mails to (PROTOCOL.md §8). Loopback only, so no TLS and no AUTH:
 * anyone on this machine may deliver, and everything delivered lands in the one inbox.
 */

/** RFC 1870 SIZE: a claim mail is a few kilobytes; refuse anything absurd. */
export const MAX_MAIL_BYTES = 1024 * 1024;

export interface ArrivedMail {
  message: Message;
  session: SMTPServerSession;
  bytes: number;
  startedAt: number;
}

const addressText = (a: AddressObject | AddressObject[] | undefined): string =>
  (Array.isArray(a) ? a.map((x) => x.text).join(', ') : (a?.text ?? '')).trim();

export function createSmtpSink(store: MessageStore, onArrived: (mail: ArrivedMail) => void): SMTPServer {
  const server: SMTPServer = new SMTPServer({
    name: 'mailbox.studio.local',
    banner: 'Agentic Registration Studio mailbox (loopback sink)',
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    size: MAX_MAIL_BYTES,
    rejectOversized: true, // RFC 1870 §6.2 — answer 552 to a message over the announced SIZE
    logger: false,
    closeTimeout: 1_000,
    onData(stream: SMTPServerDataStream, session: SMTPServerSession, callback: (err?: Error | null, message?: string) => void) {
      const startedAt = Date.now();
      const chunks: Buffer[] = [];
      let bytes = 0;
      stream.on('data', (chunk: Buffer) => {
        bytes += chunk.length;
        if (bytes <= MAX_MAIL_BYTES) chunks.push(chunk); // keep draining, but stop buffering
      });
      stream.on('error', (err) => callback(err));
      stream.on('end', () => {
        if (stream.sizeExceeded) return callback(Object.assign(new Error('Message exceeds fixed maximum message size'), { responseCode: 552 }));
        deliver(Buffer.concat(chunks), session)
          .then((message) => {
            callback(null, `Message queued as ${message.id}`);
            onArrived({ message, session, bytes, startedAt });
          })
          .catch((err: Error) => callback(Object.assign(new Error(`Cannot read this message: ${err.message}`), { responseCode: 554 })));
      });
    },
  });

  async function deliver(raw: Buffer, session: SMTPServerSession): Promise<Message> {
    const parsed = await simpleParser(raw);
    const envelope = {
      mailFrom: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
      rcptTo: session.envelope.rcptTo.map((r) => r.address),
    };
    return store.add(
      {
        // The header says who it is to; the envelope is the fallback for mail without one.
        from: addressText(parsed.from) || envelope.mailFrom,
        to: addressText(parsed.to) || envelope.rcptTo.join(', '),
        subject: parsed.subject ?? '',
        date: (parsed.date ?? new Date()).toISOString(),
        text: parsed.text ?? '',
        html: typeof parsed.html === 'string' ? parsed.html : null,
        envelope,
      },
      Date.now(),
    );
  }

  return server;
}
