import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Request, Response } from 'express';
import type { ServiceContext } from '../../context.js';
import { sha256 } from '../../secrets.js';
import type { UserRow } from '../../store/users.js';

/**
 * The service's own sign-in session (PROTOCOL-v0.6.md §3): a random id in a cookie signed with a
 * secret generated once per data dir (§9), the id's hash in the database, so `/logout` really ends it.
 * `HttpOnly; SameSite=Lax; Path=/; Max-Age=sessionTtlSeconds`, plus `Secure` when the service is https.
 */
export const SESSION_COOKIE = 'svc_session';

const secrets = new WeakMap<object, Map<string, Buffer>>();

/** Per-data-dir HMAC keys (service_secrets): one for the cookie, one for the pages' form tokens; read once per service. */
export function serviceSecret(ctx: ServiceContext, name: 'session_cookie' | 'form_tokens'): Buffer {
  let cache = secrets.get(ctx.store);
  if (!cache) secrets.set(ctx.store, (cache = new Map()));
  let key = cache.get(name);
  if (!key) {
    key = Buffer.from(ctx.store.v06.accounts.secret(name, () => randomBytes(32).toString('base64url'), ctx.now()), 'base64url');
    cache.set(name, key);
  }
  return key;
}

const sign = (ctx: ServiceContext, id: string) => createHmac('sha256', serviceSecret(ctx, 'session_cookie')).update(id).digest('base64url');

/** RFC 6265 §5.2: the cookie header's name=value pairs; the first of a name wins. */
function readCookie(req: Request, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const i = part.indexOf('=');
    if (i > 0 && part.slice(0, i).trim() === name) return part.slice(i + 1).trim();
  }
  return undefined;
}

/** The id of a cookie whose signature verifies (constant time, §7), else undefined. */
function sessionId(ctx: ServiceContext, req: Request): string | undefined {
  const m = /^([A-Za-z0-9_-]{43})\.([A-Za-z0-9_-]{43})$/.exec(readCookie(req, SESSION_COOKIE) ?? '');
  if (!m) return undefined;
  const ok = timingSafeEqual(Buffer.from(m[2], 'base64url'), Buffer.from(sign(ctx, m[1]), 'base64url'));
  return ok ? m[1] : undefined;
}

export function sessionUser(ctx: ServiceContext, req: Request): UserRow | undefined {
  const id = sessionId(ctx, req);
  const userId = id && ctx.store.v06.accounts.sessionUser(sha256(id), ctx.now());
  return userId ? ctx.store.users.byId(userId) : undefined;
}

function cookie(ctx: ServiceContext, value: string, maxAge: number): string {
  const secure = ctx.issuer.startsWith('https:') ? '; Secure' : '';
  return `${SESSION_COOKIE}=${value}; Path=/; HttpOnly; SameSite=Lax; Max-Age=${maxAge}${secure}`;
}

export function startSession(ctx: ServiceContext, res: Response, user: UserRow): void {
  const id = randomBytes(32).toString('base64url');
  const ttl = ctx.config.sessionTtlSeconds;
  ctx.store.v06.accounts.insertSession(sha256(id), user.id, ctx.now() + ttl * 1000, ctx.now());
  ctx.audit('session.created', null, { user_id: user.id });
  res.append('Set-Cookie', cookie(ctx, `${id}.${sign(ctx, id)}`, ttl));
}

export function endSession(ctx: ServiceContext, req: Request, res: Response): void {
  const id = sessionId(ctx, req);
  if (id) {
    ctx.store.v06.accounts.deleteSession(sha256(id));
    ctx.audit('session.ended', null, {});
  }
  res.append('Set-Cookie', cookie(ctx, '', 0));
}

/**
 * Forms bound to the page that showed them (DESIGN.md rule 10; OWASP synchronizer token, HMAC
 * variant, as provider/consentForm.ts): a token for one binding (`login`, `logout`, `complete\n<cvt>`),
 * valid an hour, keyed by the per-data-dir secret so a page survives a restart.
 */
export const FORM_TOKEN_FIELD = 'csrf_token';
const FORM_TOKEN_TTL_SECONDS = 3600;

const formMac = (ctx: ServiceContext, issuedAt: number, binding: string) =>
  createHmac('sha256', serviceSecret(ctx, 'form_tokens')).update(`${issuedAt}\n${binding}`).digest();

export function issueFormToken(ctx: ServiceContext, binding: string): string {
  const issuedAt = Math.floor(ctx.now() / 1000);
  return `${issuedAt}.${formMac(ctx, issuedAt, binding).toString('base64url')}`;
}

export function validFormToken(ctx: ServiceContext, token: unknown, binding: string): boolean {
  const m = typeof token === 'string' ? /^(\d{1,12})\.([A-Za-z0-9_-]{43})$/.exec(token) : null;
  if (!m) return false;
  const age = Math.floor(ctx.now() / 1000) - Number(m[1]);
  if (age < 0 || age > FORM_TOKEN_TTL_SECONDS) return false;
  return timingSafeEqual(Buffer.from(m[2], 'base64url'), formMac(ctx, Number(m[1]), binding));
}
