import type { Db } from '../../db/sqlite.js';
import type { RegistrationRowV06 } from './v06Registrations.js';

export interface AccessTokenRowV06 {
  id: string;
  registration_id: string;
  token_hash: string;
  hint: string;
  scopes: string;
  expires_at: number;
  revoked_at: number | null;
  created_at: number;
}

/** An access token as the RS sees it: the token and its registration (PROTOCOL-v0.6.md §1). */
export interface PresentedAccessToken extends AccessTokenRowV06 {
  registration: RegistrationRowV06;
}

/** v0.6 access tokens and the issued service assertions (PROTOCOL-v0.6.md §2, §5). */
export function v06TokensStore(db: Db) {
  const insert = db.prepare(
    `INSERT INTO v06_access_tokens (id, registration_id, token_hash, hint, scopes, expires_at, created_at)
     VALUES (@id, @registration_id, @token_hash, @hint, @scopes, @expires_at, @created_at)`,
  );
  const byHash = db.prepare<[string], AccessTokenRowV06>('SELECT * FROM v06_access_tokens WHERE token_hash = ?');
  const registration = db.prepare<[string], RegistrationRowV06>('SELECT * FROM v06_registrations WHERE id = ?');
  const revokeHash = db.prepare('UPDATE v06_access_tokens SET revoked_at = ? WHERE token_hash = ? AND revoked_at IS NULL');
  const revokeFor = db.prepare('UPDATE v06_access_tokens SET revoked_at = ? WHERE registration_id = ? AND revoked_at IS NULL');
  const insertAssertion = db.prepare(
    'INSERT INTO v06_assertions (jti, registration_id, issued_at, expires_at) VALUES (@jti, @registration_id, @issued_at, @expires_at)',
  );
  const assertion = db.prepare<[string], { jti: string; registration_id: string; issued_at: number; expires_at: number }>(
    'SELECT * FROM v06_assertions WHERE jti = ?',
  );
  const forgetAssertions = db.prepare('DELETE FROM v06_assertions WHERE registration_id = ?');
  const pruneAssertions = db.prepare('DELETE FROM v06_assertions WHERE expires_at <= ?');
  const all = db.prepare<[], AccessTokenRowV06>('SELECT * FROM v06_access_tokens ORDER BY created_at DESC');
  return {
    insert: (row: Omit<AccessTokenRowV06, 'revoked_at'>) => void insert.run(row),
    byTokenHash: (hash: string): PresentedAccessToken | undefined => {
      const t = byHash.get(hash);
      const r = t && registration.get(t.registration_id);
      return t && r ? { ...t, registration: r } : undefined;
    },
    revokeByHash: (hash: string, at: number) => revokeHash.run(at, hash).changes,
    /** Returns how many live tokens stopped working. */
    revokeForRegistration: (registrationId: string, at: number) => revokeFor.run(at, registrationId).changes,
    recordAssertion: (row: { jti: string; registration_id: string; issued_at: number; expires_at: number }) => void insertAssertion.run(row),
    assertion: (jti: string) => assertion.get(jti),
    /** §4 (beyond): every assertion issued so far for the registration stops exchanging, to the millisecond. */
    forgetAssertions: (registrationId: string) => void forgetAssertions.run(registrationId),
    pruneAssertions: (now: number) => void pruneAssertions.run(now),
    all: () => all.all(),
  };
}
