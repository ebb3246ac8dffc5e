import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSmtpMailer } from '../../src-servers/service/mail.js';
import { call, claimLink, registerVerifiedEmail, startService, type Mail, type TestService } from './helpers.js';

let smtp: SMTPServer;
let smtpUrl: string;
const received: { to: string[]; raw: string }[] = [];
let connections = 0;

beforeAll(async () => {
  // A real SMTP sink, offering STARTTLS as smtp-server does by default (the mailer must cope on loopback).
  smtp = new SMTPServer({
    authOptional: true,
    onConnect(_session, callback) {
      connections++;
      callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        received.push({ to: session.envelope.rcptTo.map((r) => r.address), raw: Buffer.concat(chunks).toString('utf8') });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
  smtpUrl = `smtp://127.0.0.1:${(smtp.server.address() as { port: number }).port}`;
});
afterAll(() => new Promise<void>((resolve) => smtp.close(() => resolve())));

describe('claim email over real SMTP (createSmtpMailer)', () => {
  let svc: TestService;
  afterAll(() => svc.close());

  it('delivers the claim link in both the text and the HTML part', async () => {
    const mailer = createSmtpMailer(smtpUrl);
    const sent: Mail[] = [];
    svc = await startService({ sendMail: async (m) => { sent.push(m); await mailer.send(m); } });
    const r = await registerVerifiedEmail(svc, 'inbox@example.com');
    expect(r.status).toBe(200);

    expect(received).toHaveLength(1);
    expect(received[0].to).toEqual(['inbox@example.com']);
    const parsed = await simpleParser(received[0].raw);
    expect(parsed.subject).toContain('Confirm your AI agent');
    const { link } = claimLink({ ...sent[0], text: parsed.text ?? '' });
    expect(link.startsWith(`${svc.url}/agent/auth/claim/view?token=cv_`)).toBe(true);
    expect(parsed.html).toContain(link);
    // The code itself is never in the mail: only the page mints it.
    expect(parsed.text).not.toMatch(/\b\d{6}\b/);
    expect((await call(link)).status).toBe(200);
    mailer.close();
  });
});

describe('the mailer keeps its SMTP connections', () => {
  it('sends many mails over a few reused connections, not one new connection (and greeting pause) each', async () => {
    const mailer = createSmtpMailer(smtpUrl);
    const before = { connections, mails: received.length };
    for (let i = 0; i < 6; i++) await mailer.send({ to: `one-by-one-${i}@example.com`, subject: 'hi', text: 'one by one', html: '<p>one by one</p>' });
    await Promise.all(Array.from({ length: 8 }, (_, i) => mailer.send({ to: `parallel-${i}@example.com`, subject: 'hi', text: 'at once', html: '<p>at once</p>' })));
    mailer.close();
    expect(received.length - before.mails).toBe(14);
    expect(connections - before.connections).toBeLessThanOrEqual(4);
  });
});

// Issue 14 #9: an address the SMTP server refuses used to answer 500 server_error — the client's mistake as our fault.
describe('an address the mail server refuses', () => {
  it('→ 400 invalid_request naming the address, for verified-email registration and the claim start; nothing half-made', async () => {
    // A real SMTP server that refuses every recipient at refused.example (RFC 5321 §4.2.1: 550 on RCPT TO).
    const strict = new SMTPServer({
      authOptional: true,
      onRcptTo(address, _session, callback) {
        if (address.address.endsWith('@refused.example')) return callback(Object.assign(new Error('No such user here'), { responseCode: 550 }));
        callback();
      },
      onData(stream, _session, callback) {
        stream.resume().on('end', () => callback());
      },
    });
    await new Promise<void>((resolve) => strict.listen(0, '127.0.0.1', resolve));
    const mailer = createSmtpMailer(`smtp://127.0.0.1:${(strict.server.address() as { port: number }).port}`);
    const svc = await startService({ sendMail: mailer.send });
    try {
      const r = await registerVerifiedEmail(svc, 'x@refused.example');
      expect(r.status, JSON.stringify(r.body)).toBe(400);
      expect(r.body.error).toBe('invalid_request');
      expect(r.body.message).toContain('x@refused.example');
      // The registration it would have made is not left pending (it could never be claimed).
      expect((svc.handle.inspect().registrations as any[]).filter((g) => g.status === 'pending')).toEqual([]);

      const anon = await call(`${svc.url}/agent/auth`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"type":"anonymous","requested_credential_type":"api_key"}' });
      const claim = await call(`${svc.url}/agent/auth/claim`, {
        method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ claim_token: anon.body.claim_token, email: 'y@refused.example' }),
      });
      expect(claim.status, JSON.stringify(claim.body)).toBe(400);
      expect(claim.body.error).toBe('invalid_request');

      // A trailing-dot domain (the probe) is not an address at all: refused before any mail is tried.
      const dot = await registerVerifiedEmail(svc, 'x@victim.example.');
      expect(dot.status).toBe(400);
      expect(dot.body.error).toBe('invalid_request');
      expect(svc.logs.join('\n')).not.toContain('refused.example');
    } finally {
      mailer.close();
      await svc.close();
      await new Promise<void>((resolve) => strict.close(() => resolve()));
    }
  });
});
