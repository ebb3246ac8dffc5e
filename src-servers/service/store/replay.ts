import type { Db } from '../../db/sqlite.js';

/**
 * The jti replay cache (PROTOCOL.md §2). It lives in the service database, so every replica that
 * shares the database shares the cache, and one INSERT decides a race: of N parallel requests
 * carrying the same jti, exactly one inserts the row.
 */
export function replayStore(db: Db) {
  // A row whose time is up may be reused (its token can no longer pass the exp check anyway).
  const remember = db.prepare(
    `INSERT INTO seen_jtis (iss, jti, expires_at) VALUES (@iss, @jti, @expires_at)
     ON CONFLICT (iss, jti) DO UPDATE SET expires_at = excluded.expires_at WHERE seen_jtis.expires_at <= @now`,
  );
  const prune = db.prepare('DELETE FROM seen_jtis WHERE expires_at <= ?');
  return {
    /** true the first time (iss, jti) is seen; false on a replay. */
    remember: (iss: string, jti: string, expiresAt: number, now: number) =>
      remember.run({ iss, jti, expires_at: expiresAt, now }).changes === 1,
    prune: (now: number) => void prune.run(now),
  };
}
