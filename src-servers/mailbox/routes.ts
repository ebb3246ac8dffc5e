import express, { Router, type ErrorRequestHandler } from 'express';
import { MAILBOX_PATHS } from '../protocol/constants.js';
import { ProtocolError } from '../protocol/errors.js';
import { FRAME_ANCESTORS, renderInboxPage, renderMessagePage } from './pages.js';
import type { MessageStore } from './store.js';

/** PROTOCOL.md §8 — the mailbox's HTTP API. */
export function mailboxRoutes(store: MessageStore): Router {
  const router = Router();
  const M = MAILBOX_PATHS.messages;
  const find = (id: string) => {
    const m = store.get(id);
    if (!m) throw new ProtocolError('not_found', `No message ${id} in this inbox.`);
    return m;
  };

  // Newest first: [{id, from, to, subject, date, text, html}].
  router.get(M, (_req, res) => {
    res.set('Cache-Control', 'no-store').json(store.list());
  });

  router.get(`${M}/:id`, (req, res) => {
    res.set('Cache-Control', 'no-store').json(find(req.params.id));
  });

  // The mail as a page for the studio's Inbox pane; ?links=post makes framed links post to the parent (pages.ts).
  router.get(`${M}/:id/html`, (req, res) => {
    const { html, csp } = renderMessagePage(find(req.params.id), { postLinks: req.query.links === 'post' });
    res.set({
      'Content-Type': 'text/html; charset=utf-8',
      'Content-Security-Policy': csp,
      'Cache-Control': 'no-store',
      'Referrer-Policy': 'no-referrer',
      'X-Content-Type-Options': 'nosniff',
    });
    res.send(html);
  });

  router.delete(M, (_req, res) => {
    store.clear();
    res.status(204).end();
  });

  router.get('/', (_req, res) => {
    res.set({
      'Content-Type': 'text/html; charset=utf-8',
      'Content-Security-Policy': `default-src 'none'; style-src 'unsafe-inline'; ${FRAME_ANCESTORS}`,
      'Cache-Control': 'no-store',
    });
    res.send(renderInboxPage(store.list()));
  });

  return router;
}

/** Unknown paths and every failure answer the JSON envelope, never Express's HTML. */
export const notFound: express.RequestHandler = (req, _res, next) =>
  next(new ProtocolError('not_found', `No ${req.method} ${req.path} on this mailbox.`));

export const errorHandler: ErrorRequestHandler = (err, _req, res, _next) => {
  if (res.headersSent) return;
  if (err instanceof ProtocolError) return void res.status(err.status).json(err.toJSON());
  const status = (err as { status?: number }).status;
  if (typeof status === 'number' && status >= 400 && status < 500)
    return void res.status(status).json({ error: status === 413 ? 'payload_too_large' : 'invalid_request', message: 'The request could not be read.' });
  res.status(500).json({ error: 'server_error', message: 'The mailbox hit an unexpected error.' });
};
