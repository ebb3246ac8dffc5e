import nodemailer from 'nodemailer';
import type SMTPPool from 'nodemailer/lib/smtp-pool/index.js';
import type { ServiceDeps } from './index.js';
import { escapeHtml } from '../http/html.js';

export interface ClaimEmailInput {
  to: string;
  link: string;
  expiresAt: string;
  serviceName: string;
}

/**
 * The claim email (PROTOCOL.md §3): a link to the page that shows the one-time code. The code is
 * never in the mail itself — mail scanners open links and read bodies; only a person clicking
 * "Reveal code" on the page mints it.
 */
export function claimEmail({ to, link, expiresAt, serviceName }: ClaimEmailInput) {
  const subject = `Confirm your AI agent's registration with ${serviceName}`;
  const text = [
    `An AI agent asked to register with ${serviceName} on behalf of ${to}.`,
    '',
    'If that was your agent, open this link, press "Reveal code", and read the code back to your agent:',
    '',
    link,
    '',
    `The link works until ${expiresAt}. If you did not ask an agent to do this, ignore this email: nothing happens until the code is read back.`,
  ].join('\n');
  const html = `<!doctype html><html><body style="font-family:system-ui,sans-serif;line-height:1.5;color:#171717">
<p>An AI agent asked to register with <strong>${escapeHtml(serviceName)}</strong> on behalf of <strong>${escapeHtml(to)}</strong>.</p>
<p>If that was your agent, open the link below, press <em>Reveal code</em>, and read the code back to your agent.</p>
<p><a href="${escapeHtml(link)}" style="display:inline-block;padding:10px 16px;background:#0d7268;color:#fff;text-decoration:none;border-radius:4px">Open the claim page</a></p>
<p style="font-size:13px;color:#5c5c5c">Or paste this link: <a href="${escapeHtml(link)}">${escapeHtml(link)}</a><br>
It works until ${escapeHtml(expiresAt)}. If you did not ask an agent to do this, ignore this email.</p>
</body></html>`;
  return { to, subject, text, html };
}

export interface SmtpMailer {
  send: ServiceDeps['sendMail'];
  /** Close the pooled connections (before the SMTP server they talk to stops). */
  close(): void;
}

/**
 * Send mail through an SMTP server, e.g. the embedded mailbox at "smtp://127.0.0.1:2525".
 * A loopback sink is plain SMTP (no STARTTLS); any other server keeps nodemailer's defaults.
 * Connections are pooled and reused: an SMTP server answers a new connection only after a pause
 * (smtp-server waits 100 ms to catch clients that talk before its greeting, RFC 5321 §4.3.1), which
 * a registration that sends a claim mail would otherwise wait out every time.
 */
export function createSmtpMailer(smtpUrl: string, from = 'Agentic Registration Studio <no-reply@service.localhost>'): SmtpMailer {
  const host = new URL(smtpUrl).hostname;
  const loopback = host === '127.0.0.1' || host === 'localhost' || host === '[::1]' || host === '::1';
  const options: SMTPPool.Options = {
    url: smtpUrl,
    pool: true,
    maxConnections: 4,
    maxMessages: Infinity,
    ...(loopback ? { ignoreTLS: true } : {}),
  };
  const transport = nodemailer.createTransport(options);
  return {
    async send(mail) {
      await transport.sendMail({ from, ...mail });
    },
    close: () => transport.close(),
  };
}
