import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import nodemailer from 'nodemailer';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../../src-servers/db/sqlite.js';
import { createMailbox, mailboxMigrations, MAX_MAIL_BYTES, type MailboxHandle } from '../../src-servers/mailbox/index.js';
import type { Mail } from '../../src-servers/protocol/mail.js';
import type { Exchange } from '../../src-servers/trace/types.js';

const CLAIM_LINK = 'http://127.0.0.1:8000/agent/auth/claim/view?token=cv_abc123';

let db: Db;
let mailbox: MailboxHandle;
let http: Server;
let base: string;
let smtpPort: number;
let recorded: Partial<Exchange>[];

beforeEach(async () => {
  db = openDatabase(':memory:', mailboxMigrations);
  recorded = [];
  mailbox = createMailbox({
    db,
    recorder: { middleware: () => (_req, _res, next) => next(), record: (e) => void recorded.push(e) },
  });
  http = mailbox.app.listen(0, '127.0.0.1');
  await new Promise((r) => http.once('listening', r));
  base = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  await new Promise<void>((r) => mailbox.smtp.listen(0, '127.0.0.1', () => r()));
  smtpPort = (mailbox.smtp.server.address() as AddressInfo).port;
});

afterEach(async () => {
  await new Promise((r) => http.close(r));
  await mailbox.stop();
  db.close();
});

function send(mail: { to: string; subject: string; text?: string; html?: string; from?: string }) {
  const transport = nodemailer.createTransport({ host: '127.0.0.1', port: smtpPort, secure: false, ignoreTLS: true });
  return transport.sendMail({ from: mail.from ?? 'Example Service <no-reply@service.example>', ...mail });
}

describe('mailbox', () => {
  it('receives real SMTP mail and lists it newest first with the link in text and html', async () => {
    await send({ to: 'alice@example.com', subject: 'First', text: 'nothing here' });
    await send({
      to: 'alice@example.com',
      subject: 'Claim your agent account',
      text: `Open this link to claim: ${CLAIM_LINK}`,
      html: `<p>Open <a href="${CLAIM_LINK}">this link</a> to claim.</p>`,
    });

    const res = await fetch(`${base}/messages`);
    expect(res.status).toBe(200);
    const list = (await res.json()) as Mail[];
    expect(list.map((m: { subject: string }) => m.subject)).toEqual(['Claim your agent account', 'First']);
    const [newest] = list;
    expect(Object.keys(newest).sort()).toEqual(['date', 'from', 'html', 'id', 'subject', 'text', 'to']);
    expect(newest.to).toContain('alice@example.com');
    expect(newest.from).toContain('no-reply@service.example');
    expect(newest.text).toContain(CLAIM_LINK);
    expect(newest.html).toContain(CLAIM_LINK);
    expect(Number.isNaN(Date.parse(newest.date))).toBe(false);

    const one = await (await fetch(`${base}/messages/${newest.id}`)).json();
    expect(one).toEqual(newest);

    // The SMTP hand-off is recorded for the sequence diagram.
    expect(recorded).toHaveLength(2);
    expect(recorded[1]).toMatchObject({ from: 'Service', to: 'Inbox', method: 'SMTP', status: 250 });
    expect(recorded[1].url).toBe(`smtp://127.0.0.1:${smtpPort}`);
    expect(recorded[1].requestBody).toContain('Claim your agent account');
    expect(recorded[1].requestBody).toContain(CLAIM_LINK);
  });

  it('shows a mail as a frame-able page whose links open outside the frame', async () => {
    await send({ to: 'bob@example.com', subject: 'Hi <b>Bob</b>', html: `<p><a href="${CLAIM_LINK}">Claim</a></p>` });
    const [m] = (await (await fetch(`${base}/messages`)).json()) as Mail[];
    const page = await fetch(`${base}/messages/${m.id}/html`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(page.headers.get('x-frame-options')).toBeNull();
    const csp = page.headers.get('content-security-policy') ?? '';
    expect(csp).toMatch(/frame-ancestors 'self'(;|$)/) // no studio runs here: no other page may frame it (issue 15);
    const body = await page.text();
    expect(body).toContain('<base target="_blank">');
    expect(body).toContain(`href="${CLAIM_LINK}"`);
    expect(body).toContain('Hi &lt;b&gt;Bob&lt;/b&gt;'); // the subject is text, not markup
    expect(body).not.toContain('<script');

    // Opt-in: framed links are posted to the studio instead; only our nonce'd script may run.
    const posting = await fetch(`${base}/messages/${m.id}/html?links=post`);
    const nonce = /script-src 'nonce-([^']+)'/.exec(posting.headers.get('content-security-policy') ?? '')?.[1];
    expect(nonce).toBeTruthy();
    const postingBody = await posting.text();
    expect(postingBody).toContain(`<script nonce="${nonce}">`);
    expect(postingBody).toContain('studio:open-link');
  });

  it('makes the links of a text-only mail clickable and escapes the rest', async () => {
    await send({ to: 'carol@example.com', subject: 'Text', text: `<img src=x> then ${CLAIM_LINK}` });
    const [m] = (await (await fetch(`${base}/messages`)).json()) as Mail[];
    expect(m.html).toBeNull();
    const body = await (await fetch(`${base}/messages/${m.id}/html`)).text();
    expect(body).toContain('&lt;img src=x&gt;');
    expect(body).toContain(`<a href="${CLAIM_LINK}">${CLAIM_LINK}</a>`);
  });

  it('DELETE /messages empties the inbox', async () => {
    await send({ to: 'alice@example.com', subject: 'One', text: 'x' });
    expect(await (await fetch(`${base}/messages`)).json()).toHaveLength(1);
    const del = await fetch(`${base}/messages`, { method: 'DELETE' });
    expect(del.status).toBe(204);
    expect(await (await fetch(`${base}/messages`)).json()).toEqual([]);
  });

  it('answers unknown messages and paths with a JSON 404', async () => {
    for (const path of ['/messages/msg_nope', '/messages/msg_nope/html', '/nothing-here']) {
      const res = await fetch(`${base}${path}`);
      expect(res.status).toBe(404);
      expect(res.headers.get('content-type')).toMatch(/^application\/json/);
      const body = (await res.json()) as { error: string; message: string };
      expect(body.error).toBe('not_found');
      expect(typeof body.message).toBe('string');
    }
  });

  it('refuses a mail over the size limit and keeps the inbox unchanged', async () => {
    const huge = 'x'.repeat(MAX_MAIL_BYTES + 1024);
    await expect(send({ to: 'alice@example.com', subject: 'Huge', text: huge })).rejects.toMatchObject({ responseCode: 552 });
    expect(await (await fetch(`${base}/messages`)).json()).toEqual([]);
    expect(recorded).toEqual([]);
  });
});
