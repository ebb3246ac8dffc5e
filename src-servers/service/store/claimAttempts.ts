import type { Db } from '../../db/sqlite.js';

export interface ClaimAttemptRow {
  id: string;
  registration_id: string;
  token_hash: string;
  email: string;
  status: 'open' | 'superseded' | 'completed';
  link_expires_at: number;
  otp_hash: string | null;
  otp_expires_at: number | null;
  otp_failures: number;
  created_at: number;
}

/** Claim attempts and their OTPs (PROTOCOL.md §3). Only hashes of cv_ tokens and OTPs are kept. */
export function claimAttemptsStore(db: Db) {
  const insert = db.prepare(
    `INSERT INTO claim_attempts (id, registration_id, token_hash, email, status, link_expires_at, created_at)
     VALUES (@id, @registration_id, @token_hash, @email, 'open', @link_expires_at, @created_at)`,
  );
  const supersede = db.prepare(
    `UPDATE claim_attempts SET status = 'superseded' WHERE registration_id = ? AND status = 'open'`,
  );
  const byTokenHash = db.prepare<[string], ClaimAttemptRow>('SELECT * FROM claim_attempts WHERE token_hash = ?');
  const open = db.prepare<[string], ClaimAttemptRow>(
    `SELECT * FROM claim_attempts WHERE registration_id = ? AND status = 'open' ORDER BY created_at DESC LIMIT 1`,
  );
  // A new code resets the wrong-guess counter: that is how a locked OTP is unlocked (§3).
  const setOtp = db.prepare(
    `UPDATE claim_attempts SET otp_hash = @otp_hash, otp_expires_at = @otp_expires_at, otp_failures = 0
     WHERE id = @id AND status = 'open'`,
  );
  const countFailure = db.prepare(
    `UPDATE claim_attempts SET otp_failures = otp_failures + 1 WHERE id = ? AND status = 'open'`,
  );
  // Conditional on the very code that was checked, so a code rotated meanwhile cannot complete.
  const complete = db.prepare(
    `UPDATE claim_attempts SET status = 'completed' WHERE id = ? AND status = 'open' AND otp_hash = ?`,
  );
  const removeForRegistration = db.prepare('DELETE FROM claim_attempts WHERE registration_id = ?');

  return {
    insert: (row: Pick<ClaimAttemptRow, 'id' | 'registration_id' | 'token_hash' | 'email' | 'link_expires_at' | 'created_at'>) =>
      void insert.run(row),
    /** Returns how many older links stopped working. */
    supersedeOpen: (registrationId: string) => supersede.run(registrationId).changes,
    byTokenHash: (hash: string) => byTokenHash.get(hash),
    openFor: (registrationId: string) => open.get(registrationId),
    setOtp: (id: string, otpHash: string, otpExpiresAt: number) =>
      setOtp.run({ id, otp_hash: otpHash, otp_expires_at: otpExpiresAt }).changes === 1,
    countFailure: (id: string) => void countFailure.run(id),
    complete: (id: string, otpHash: string) => complete.run(id, otpHash).changes === 1,
    removeForRegistration: (registrationId: string) => void removeForRegistration.run(registrationId),
  };
}
