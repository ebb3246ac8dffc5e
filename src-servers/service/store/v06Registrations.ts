import type { Db } from '../../db/sqlite.js';
import type { IdentityTypeV06 } from '../../protocol/v0.6/constants.js';

export type RegistrationStatusV06 = 'pending' | 'claimed' | 'expired';

export interface RegistrationRowV06 {
  id: string;
  type: IdentityTypeV06;
  status: RegistrationStatusV06;
  user_id: string | null;
  login_hint: string | null;
  iss: string | null;
  sub: string | null;
  aud: string | null;
  claims: string | null;
  claim_token_hash: string | null;
  expires_at: number | null;
  revoked_at: number | null;
  created_at: number;
  claimed_at: number | null;
  ended_at: number | null;
}

/** v0.6 registrations (PROTOCOL-v0.6.md §2–§4). */
export function v06RegistrationsStore(db: Db) {
  const insert = db.prepare(
    `INSERT INTO v06_registrations (id, type, status, user_id, login_hint, iss, sub, aud, claims, claim_token_hash, expires_at, created_at)
     VALUES (@id, @type, @status, @user_id, @login_hint, @iss, @sub, @aud, @claims, @claim_token_hash, @expires_at, @created_at)`,
  );
  const byId = db.prepare<[string], RegistrationRowV06>('SELECT * FROM v06_registrations WHERE id = ?');
  const byClaimToken = db.prepare<[string], RegistrationRowV06>('SELECT * FROM v06_registrations WHERE claim_token_hash = ?');
  const forTriple = db.prepare<[string, string, string], RegistrationRowV06>(
    `SELECT * FROM v06_registrations WHERE type = 'identity_assertion' AND iss = ? AND sub = ? AND aud = ?`,
  );
  // §2 clean match: the row is bound to the account at once (a new or revived one).
  const bind = db.prepare(
    `UPDATE v06_registrations SET status = 'claimed', user_id = @user_id, claims = @claims, claim_token_hash = NULL,
       expires_at = NULL, claimed_at = @at, ended_at = NULL WHERE id = @id`,
  );
  // §2 step-up: the row is pending again, with a new claim handle and outer window.
  const reopen = db.prepare(
    `UPDATE v06_registrations SET status = 'pending', user_id = NULL, login_hint = @login_hint, claims = @claims,
       claim_token_hash = @claim_token_hash, expires_at = @expires_at, claimed_at = NULL, ended_at = NULL WHERE id = @id`,
  );
  // §3 completion. The conditional UPDATE is the lock: of N concurrent completes exactly one sees changes = 1.
  const markClaimed = db.prepare(
    `UPDATE v06_registrations SET status = 'claimed', claimed_at = @at, user_id = @user_id, expires_at = NULL
     WHERE id = @id AND status = 'pending'`,
  );
  const due = db.prepare<[number], RegistrationRowV06>(
    `SELECT * FROM v06_registrations WHERE status = 'pending' AND expires_at IS NOT NULL AND expires_at <= ?`,
  );
  const expire = db.prepare(`UPDATE v06_registrations SET status = 'expired', ended_at = @at WHERE id = @id`);
  // §4 effect 2: expired, and the claim handle is gone.
  const revoke = db.prepare(
    `UPDATE v06_registrations SET status = 'expired', ended_at = @at, revoked_at = @at, claim_token_hash = NULL WHERE id = @id`,
  );
  const claimedFor = db.prepare<[string, string], { n: number }>(
    `SELECT count(*) AS n FROM v06_registrations WHERE user_id = ? AND status = 'claimed' AND id != ?`,
  );
  const all = db.prepare<[], RegistrationRowV06>('SELECT * FROM v06_registrations ORDER BY created_at DESC');

  return {
    insert: (row: Omit<RegistrationRowV06, 'claimed_at' | 'ended_at' | 'revoked_at'>) => void insert.run(row),
    byId: (id: string) => byId.get(id),
    byClaimTokenHash: (hash: string) => byClaimToken.get(hash),
    forTriple: (iss: string, sub: string, aud: string) => forTriple.all(iss, sub, aud),
    bind: (id: string, userId: string, claims: string | null, at: number) => void bind.run({ id, user_id: userId, claims, at }),
    reopen: (row: { id: string; login_hint: string; claims: string | null; claim_token_hash: string; expires_at: number }) => void reopen.run(row),
    markClaimed: (id: string, userId: string, at: number) => markClaimed.run({ id, user_id: userId, at }).changes === 1,
    dueForExpiry: (now: number) => due.all(now),
    expire: (id: string, at: number) => void expire.run({ id, at }),
    revoke: (id: string, at: number) => void revoke.run({ id, at }),
    /** How many other claimed registrations the account has (§3 `first_time_account`). */
    otherClaimedCount: (userId: string, exceptId: string) => claimedFor.get(userId, exceptId)!.n,
    all: () => all.all(),
  };
}
