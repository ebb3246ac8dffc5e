import type { Db } from '../../db/sqlite.js';

/**
 * What v0.6 does to the shared users and delegations beyond v0.1's reads (PROTOCOL-v0.6.md §3, §4):
 * a completed claim upserts the delegation, a SET deletes it, a sign-in auto-provisions an account,
 * and sessions of the service's own `/login`.
 */
export function v06AccountsStore(db: Db) {
  const upsertDelegation = db.prepare(
    `INSERT INTO delegations (iss, sub, user_id, created_at) VALUES (?, ?, ?, ?)
     ON CONFLICT (iss, sub) DO UPDATE SET user_id = excluded.user_id, created_at = excluded.created_at`,
  );
  const deleteDelegation = db.prepare('DELETE FROM delegations WHERE iss = ? AND sub = ?');
  const fromIssuer = db.prepare<[string, string], { n: number }>('SELECT count(*) AS n FROM delegations WHERE iss = ? AND user_id = ?');
  const insertSession = db.prepare('INSERT INTO v06_sessions (id_hash, user_id, expires_at, created_at) VALUES (?, ?, ?, ?)');
  const session = db.prepare<[string, number], { user_id: string }>('SELECT user_id FROM v06_sessions WHERE id_hash = ? AND expires_at > ?');
  const deleteSession = db.prepare('DELETE FROM v06_sessions WHERE id_hash = ?');
  const pruneSessions = db.prepare('DELETE FROM v06_sessions WHERE expires_at <= ?');
  const secret = db.prepare('SELECT value FROM service_secrets WHERE name = ?').pluck();
  const insertSecret = db.prepare('INSERT OR IGNORE INTO service_secrets (name, value, created_at) VALUES (?, ?, ?)');
  const signingKey = db.prepare<[], { kid: string; private_jwk: string }>('SELECT kid, private_jwk FROM service_signing_keys ORDER BY created_at LIMIT 1');
  const insertKey = db.prepare('INSERT INTO service_signing_keys (kid, private_jwk, created_at) VALUES (?, ?, ?)');
  return {
    upsertDelegation: (iss: string, sub: string, userId: string, at: number) => void upsertDelegation.run(iss, sub, userId, at),
    deleteDelegation: (iss: string, sub: string) => deleteDelegation.run(iss, sub).changes,
    /** §3 `first_time_provider`: does the account hold any delegation from this issuer? */
    hasDelegationFrom: (iss: string, userId: string) => fromIssuer.get(iss, userId)!.n > 0,
    insertSession: (idHash: string, userId: string, expiresAt: number, at: number) => void insertSession.run(idHash, userId, expiresAt, at),
    sessionUser: (idHash: string, now: number) => session.get(idHash, now)?.user_id,
    deleteSession: (idHash: string) => void deleteSession.run(idHash),
    pruneSessions: (now: number) => void pruneSessions.run(now),
    /** A per-data-dir secret, created on first use; of two racing creators the first wins and both read it. */
    secret: (name: string, create: () => string, at: number): string => {
      insertSecret.run(name, create(), at);
      return secret.get(name) as string;
    },
    signingKey: () => signingKey.get(),
    insertSigningKey: (kid: string, privateJwk: string, at: number) => void insertKey.run(kid, privateJwk, at),
  };
}
