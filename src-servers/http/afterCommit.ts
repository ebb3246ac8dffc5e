/**
 * Holds each answer until the writes before it are durable (db/groupCommit.ts): a response that
 * ends while a group of writes is open goes out only after that group's COMMIT, so a client never
 * holds a credential the database could still lose (PROTOCOL.md §9: what got a 200 survives a
 * crash). If the commit failed, the held answer becomes a 500 `server_error` instead.
 */
import type { RequestHandler, Response } from 'express';
import type { GroupCommit } from '../db/groupCommit.js';
import { ProtocolError } from '../protocol/errors.js';

export function answerAfterCommit(group: GroupCommit, log: (line: string) => void): RequestHandler {
  return (_req, res, next) => {
    const end = res.end as (...a: unknown[]) => Response;
    res.end = function (this: Response, ...args: unknown[]) {
      if (!group.pending || res.headersSent) return end.apply(this, args);
      group.afterCommit((err) => {
        if (!err) return void end.apply(this, args);
        log(`service: a group commit failed, its answers become 500: ${err.message}`);
        const e = new ProtocolError('server_error', 'What this request changed could not be stored. Retry later.');
        for (const name of res.getHeaderNames()) res.removeHeader(name);
        res.statusCode = 500;
        res.setHeader('Content-Type', 'application/json; charset=utf-8');
        res.setHeader('Cache-Control', 'no-store');
        end.call(this, JSON.stringify(e.toJSON()));
      });
      return this;
    } as Response['end'];
    next();
  };
}
