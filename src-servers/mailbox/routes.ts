import express, { Router } from 'express';
import { MAILBOX_PATHS } from '../protocol/constants.js';
import { ProtocolError } from '../protocol/errors.js';
import { jsonErrorHandler } from '../http/errors.js';
import { sendHtml } from '../http/html.js';
import { renderInboxPage, renderMessagePage } from './pages.js';
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
    sendHtml(res, 200, html, csp);
  });

  router.delete(M, (_req, res) => {
    store.clear();
    res.status(204).end();
  });

  router.get('/', (_req, res) => {
    sendHtml(res, 200, renderInboxPage(store.list()), "default-src 'none'; style-src 'unsafe-inline'");
  });

  return router;
}

/** Unknown paths and every failure answer the JSON envelope, never Express's HTML. */
export const notFound: express.RequestHandler = (req, _res, next) =>
  next(new ProtocolError('not_found', `No ${req.method} ${req.path} on this mailbox.`));

/** The shared JSON error handler (http/errors.ts); the mailbox's own bugs go to `log`. */
export const errorHandler = (log: (line: string) => void) => jsonErrorHandler({ role: 'mailbox', log });
