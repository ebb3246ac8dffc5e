import type { Db } from '../../db/sqlite.js';

/**
 * When each delegation `(iss, sub, aud)` was last revoked by a logout token (PROTOCOL.md §4), so an
 * ID-JAG minted before that moment cannot open a new registration afterwards. A row is needed only
 * while such an ID-JAG could still pass the exp check; the sweep prunes it after that.
 */
export function revocationsStore(db: Db) {
  // A later revocation moves the time forward; an out-of-order older one never moves it back.
  const record = db.prepare(
    `INSERT INTO revoked_delegations (iss, sub, aud, revoked_at) VALUES (@iss, @sub, @aud, @at)
     ON CONFLICT (iss, sub, aud) DO UPDATE SET revoked_at = max(revoked_at, excluded.revoked_at)`,
  );
  const get = db.prepare('SELECT revoked_at FROM revoked_delegations WHERE iss = ? AND sub = ? AND aud = ?').pluck();
  const prune = db.prepare('DELETE FROM revoked_delegations WHERE revoked_at < ?');
  return {
    record: (iss: string, sub: string, aud: string, at: number) => void record.run({ iss, sub, aud, at }),
    /** Epoch ms of the latest revocation of (iss, sub, aud), or undefined. */
    revokedAt: (iss: string, sub: string, aud: string) => get.get(iss, sub, aud) as number | undefined,
    prune: (before: number) => void prune.run(before),
  };
}
