import type { Db } from '../../db/sqlite.js';

export interface ClaimAttemptRowV06 {
  id: string;
  registration_id: string;
  token_hash: string;
  email: string;
  user_code_hash: string;
  code_expires_at: number;
  link_expires_at: number;
  failures: number;
  status: 'open' | 'superseded' | 'completed';
  created_at: number;
}

/** The v0.6 ceremony's attempts (PROTOCOL-v0.6.md §3); only hashes of cvt_ tokens and user_codes are kept (§7). */
export function v06ClaimAttemptsStore(db: Db) {
  const insert = db.prepare(
    `INSERT INTO v06_claim_attempts (id, registration_id, token_hash, email, user_code_hash, code_expires_at, link_expires_at, status, created_at)
     VALUES (@id, @registration_id, @token_hash, @email, @user_code_hash, @code_expires_at, @link_expires_at, 'open', @created_at)`,
  );
  const supersede = db.prepare(`UPDATE v06_claim_attempts SET status = 'superseded' WHERE registration_id = ? AND status = 'open'`);
  const byTokenHash = db.prepare<[string], ClaimAttemptRowV06>('SELECT * FROM v06_claim_attempts WHERE token_hash = ?');
  const latestFor = db.prepare<[string], ClaimAttemptRowV06>(
    `SELECT * FROM v06_claim_attempts WHERE registration_id = ? AND status != 'superseded' ORDER BY created_at DESC, rowid DESC LIMIT 1`,
  );
  // Counted in SQL, so concurrent wrong guesses cannot lose a count.
  const countFailure = db.prepare<[string], { failures: number }>(
    `UPDATE v06_claim_attempts SET failures = failures + 1 WHERE id = ? RETURNING failures`,
  );
  const complete = db.prepare(`UPDATE v06_claim_attempts SET status = 'completed' WHERE id = ? AND status = 'open'`);
  return {
    insert: (row: Omit<ClaimAttemptRowV06, 'status' | 'failures'>) => void insert.run(row),
    supersedeOpen: (registrationId: string) => supersede.run(registrationId).changes,
    byTokenHash: (hash: string) => byTokenHash.get(hash),
    /** The open or completed attempt of a registration (the claim grant reads its code's state). */
    latestFor: (registrationId: string) => latestFor.get(registrationId),
    countFailure: (id: string) => countFailure.get(id)!.failures,
    complete: (id: string) => complete.run(id).changes === 1,
  };
}
