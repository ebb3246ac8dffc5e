import type { Db } from '../../db/sqlite.js';
import type { CredentialType, RegistrationKind } from '../../protocol/constants.js';

export type RegistrationStatus = 'pending' | 'claimed' | 'active' | 'expired' | 'revoked';

export interface RegistrationRow {
  id: string;
  kind: RegistrationKind;
  status: RegistrationStatus;
  credential_type: CredentialType;
  user_id: string | null;
  email: string | null;
  iss: string | null;
  sub: string | null;
  claim_token_hash: string | null;
  expires_at: number | null;
  created_at: number;
  claimed_at: number | null;
  ended_at: number | null;
}

export function registrationsStore(db: Db) {
  const insert = db.prepare(
    `INSERT INTO registrations (id, kind, status, credential_type, user_id, email, iss, sub, claim_token_hash, expires_at, created_at)
     VALUES (@id, @kind, @status, @credential_type, @user_id, @email, @iss, @sub, @claim_token_hash, @expires_at, @created_at)`,
  );
  const byId = db.prepare<[string], RegistrationRow>('SELECT * FROM registrations WHERE id = ?');
  const byClaimToken = db.prepare<[string], RegistrationRow>(
    'SELECT * FROM registrations WHERE claim_token_hash = ?',
  );
  const activeForDelegation = db.prepare<[string, string], RegistrationRow>(
    `SELECT * FROM registrations WHERE kind = 'agent-provider' AND status = 'active' AND iss = ? AND sub = ?
     ORDER BY created_at DESC LIMIT 1`,
  );
  const forDelegation = db.prepare<[string, string], RegistrationRow>(
    `SELECT * FROM registrations WHERE kind = 'agent-provider' AND iss = ? AND sub = ?`,
  );
  // The conditional UPDATE is the lock: of many concurrent completes, exactly one sees changes = 1.
  const markClaimed = db.prepare(
    `UPDATE registrations SET status = 'claimed', claimed_at = @at, user_id = @user_id, expires_at = NULL
     WHERE id = @id AND status = 'pending'`,
  );
  const due = db.prepare<[number], RegistrationRow>(
    `SELECT * FROM registrations WHERE status = 'pending' AND expires_at IS NOT NULL AND expires_at <= ?`,
  );
  const nextPendingExpiry = db.prepare<[number], { at: number | null }>(
    `SELECT MIN(expires_at) AS at FROM registrations WHERE status = 'pending' AND expires_at > ?`,
  );
  /**
   * No pending registration expires before this (ms): dueForExpiry runs before every credential
   * lookup (lifecycle.ts), and with this bound it is a comparison, not a query, until one is due
   * (issue 19). Only ever too early, never too late: an insert lowers it, and whatever else
   * touches a pending registration (a claim, a revocation) can only make it due later or never.
   */
  let noneDueBefore = -Infinity;
  const end = db.prepare(`UPDATE registrations SET status = @status, ended_at = @at WHERE id = @id`);
  const remove = db.prepare('DELETE FROM registrations WHERE id = ?');
  const all = db.prepare<[], RegistrationRow>('SELECT * FROM registrations ORDER BY created_at DESC');

  return {
    insert: (row: Omit<RegistrationRow, 'claimed_at' | 'ended_at'>) => {
      insert.run(row);
      if (row.status === 'pending' && row.expires_at !== null) noneDueBefore = Math.min(noneDueBefore, row.expires_at);
    },
    byId: (id: string) => byId.get(id),
    byClaimTokenHash: (hash: string) => byClaimToken.get(hash),
    activeForDelegation: (iss: string, sub: string) => activeForDelegation.get(iss, sub),
    forDelegation: (iss: string, sub: string) => forDelegation.all(iss, sub),
    markClaimed: (id: string, userId: string, at: number) =>
      markClaimed.run({ id, user_id: userId, at }).changes === 1,
    /** Unclaimed registrations whose TTL has passed (PROTOCOL.md §3, last paragraph). */
    dueForExpiry: (now: number): RegistrationRow[] => {
      if (now < noneDueBefore) return [];
      const rows = due.all(now);
      // Once none is due, the next one bounds the wait; while some are, ask again next time (the caller ends them).
      if (rows.length === 0) noneDueBefore = nextPendingExpiry.get(now)?.at ?? Infinity;
      return rows;
    },
    end: (id: string, status: 'expired' | 'revoked', at: number) => void end.run({ id, status, at }),
    remove: (id: string) => void remove.run(id),
    all: () => all.all(),
  };
}
