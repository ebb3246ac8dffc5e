import { Router } from 'express';
import { SignJWT } from 'jose';
import { z } from 'zod';
import { PREFIX, PROVIDER_PATHS } from '../protocol/constants.js';
import { ProtocolError } from '../protocol/errors.js';
import { epochSeconds, randomId, sha256, type ProviderContext } from './context.js';
import { parseBody } from '../http/body.js';

/**
 * The provider's users and sign-in. There are no passwords: this IdP exists to show what an
 * agent provider asserts, so `POST /login {email}` signs in any seeded user (PROTOCOL.md §6).
 */

export interface User {
  id: string;
  email: string;
  name: string;
  email_verified: boolean;
  /** RFC 8176 authentication method references, e.g. ["mfa"]. */
  amr: string[];
}

export interface Session {
  id: string;
  user_id: string;
  /** When the user authenticated (ms); becomes `auth_time` in the ID token and ID-JAGs. */
  auth_time: number;
  expires_at: number;
}

/** A signed-in session lasts half a day; the ID token minted at login lasts an hour (OIDC norm). */
export const SESSION_TTL_SECONDS = 12 * 3600;
export const ID_TOKEN_TTL_SECONDS = 3600;

interface UserRow { id: string; email: string; name: string; email_verified: number; amr: string }
const toUser = (r: UserRow): User => ({
  id: r.id,
  email: r.email,
  name: r.name,
  email_verified: r.email_verified === 1,
  amr: JSON.parse(r.amr) as string[],
});

export function listUsers(ctx: ProviderContext): User[] {
  return (ctx.db.prepare('SELECT * FROM users ORDER BY email').all() as UserRow[]).map(toUser);
}

export function findUserById(ctx: ProviderContext, id: string): User | undefined {
  const row = ctx.db.prepare('SELECT * FROM users WHERE id = ?').get(id) as UserRow | undefined;
  return row && toUser(row);
}

export function findUserByEmail(ctx: ProviderContext, email: string): User | undefined {
  const row = ctx.db.prepare('SELECT * FROM users WHERE email = ?').get(email.trim()) as UserRow | undefined;
  return row && toUser(row);
}

/**
 * Start a session: the bearer token is returned once and stored only as its hash. Signing in is
 * also the user's new `auth_time` (PROTOCOL-v0.6.md §6), which every later ID-JAG carries.
 */
export function createSession(ctx: ProviderContext, user: User): { token: string; session: Session } {
  const now = ctx.now();
  const session: Session = { id: randomId('sid_'), user_id: user.id, auth_time: now, expires_at: now + SESSION_TTL_SECONDS * 1000 };
  const token = randomId(PREFIX.session);
  ctx.db.transaction(() => {
    ctx.db
      .prepare('INSERT INTO sessions (id, token_hash, user_id, auth_time, expires_at) VALUES (?, ?, ?, ?, ?)')
      .run(session.id, sha256(token), session.user_id, session.auth_time, session.expires_at);
    ctx.db.prepare('UPDATE users SET auth_time = ? WHERE id = ?').run(now, user.id);
  })();
  return { token, session };
}

/**
 * OIDC Core §2 `auth_time`, as PROTOCOL-v0.6.md §6 fixes it for ID-JAGs: when the user last signed
 * in here (ms), by any session — a v0.6 service refuses a stale one with login_required, and a fresh
 * sign-in is the remedy even for an agent still holding an older session.
 */
export function lastSignIn(ctx: ProviderContext, user: User, session: Session): number {
  const row = ctx.db.prepare('SELECT auth_time FROM users WHERE id = ?').get(user.id) as { auth_time: number | null } | undefined;
  return Math.max(row?.auth_time ?? 0, session.auth_time);
}

/** PROTOCOL-v0.6.md §6 — "the seed time before any" sign-in: users who never signed in get the provider's first start. */
export function seedAuthTimes(ctx: ProviderContext): void {
  ctx.db.prepare('UPDATE users SET auth_time = ? WHERE auth_time IS NULL').run(ctx.now());
}

export function findSessionById(ctx: ProviderContext, id: string): Session | undefined {
  const s = ctx.db.prepare('SELECT id, user_id, auth_time, expires_at FROM sessions WHERE id = ?').get(id) as Session | undefined;
  return s && s.expires_at > ctx.now() ? s : undefined;
}

/** RFC 6750 §2.1 — the session token travels as a Bearer credential. */
export function authenticate(ctx: ProviderContext, authorization: string | undefined): { user: User; session: Session } {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
  if (!match)
    throw new ProtocolError('unauthorized', `Send the session_token from POST ${PROVIDER_PATHS.login} as "Authorization: Bearer <token>".`, {
      'WWW-Authenticate': 'Bearer realm="provider"',
    });
  const session = ctx.db
    .prepare('SELECT id, user_id, auth_time, expires_at FROM sessions WHERE token_hash = ?')
    .get(sha256(match[1])) as Session | undefined;
  const user = session && session.expires_at > ctx.now() ? findUserById(ctx, session.user_id) : undefined;
  if (!session || !user)
    // RFC 6750 §3.1 — invalid_token: unknown or expired.
    throw new ProtocolError('unauthorized', 'The session token is unknown or expired; sign in again.', {
      'WWW-Authenticate': 'Bearer realm="provider", error="invalid_token"',
    });
  return { user, session };
}

/**
 * A normal OIDC ID token (OIDC Core §2) for the signed-in user, audience = our CIMD client_id
 * (the agent is the relying party). The agent later presents it as the RFC 8693 subject_token.
 */
export async function mintIdToken(ctx: ProviderContext, user: User, session: Session): Promise<string> {
  const { kid, privateKey } = ctx.keys.signingKey();
  const iat = epochSeconds(ctx.now());
  return new SignJWT({
    email: user.email,
    email_verified: user.email_verified,
    name: user.name,
    amr: user.amr,
    auth_time: epochSeconds(session.auth_time),
    sid: session.id,
  })
    .setProtectedHeader({ alg: 'ES256', typ: 'JWT', kid })
    .setIssuer(ctx.issuer)
    .setSubject(user.id)
    .setAudience(ctx.clientId)
    .setJti(randomId(''))
    .setIssuedAt(iat)
    .setExpirationTime(iat + ID_TOKEN_TTL_SECONDS)
    .sign(privateKey);
}

const loginBody = z.object({ email: z.string().min(1).max(320) });

export function loginRoutes(ctx: ProviderContext): Router {
  const router = Router();
  // PROTOCOL.md §6 — POST /login {email} → 200 {session_token, user} | 401 unknown_user.
  router.post(PROVIDER_PATHS.login, async (req, res) => {
    const { email } = parseBody(loginBody, req.body);
    const user = findUserByEmail(ctx, email);
    if (!user) throw new ProtocolError('unknown_user', `No user ${email} here. Seeded users: alice, bob and carol @example.com.`);
    const { token, session } = createSession(ctx, user);
    res.set('Cache-Control', 'no-store').json({
      session_token: token,
      token_type: 'Bearer',
      expires_in: SESSION_TTL_SECONDS,
      id_token: await mintIdToken(ctx, user, session),
      user,
    });
  });
  return router;
}
