import type { Db } from '../../db/sqlite.js';
import type { CredentialType, RegistrationKind } from '../../protocol/constants.js';
import type { RegistrationStatus } from './registrations.js';

export interface CredentialRow {
  id: string;
  registration_id: string;
  type: CredentialType;
  token_hash: string;
  hint: string;
  scopes: string;
  expires_at: number | null;
  revoked_at: number | null;
  created_at: number;
}

/** A credential with what the resource server needs to answer "who is calling". */
export interface PresentedCredential extends CredentialRow {
  registration_kind: RegistrationKind;
  registration_status: RegistrationStatus;
  registration_expires_at: number | null;
  user_id: string | null;
  user_email: string | null;
}

export function credentialsStore(db: Db) {
  const insert = db.prepare(
    `INSERT INTO credentials (id, registration_id, type, token_hash, hint, scopes, expires_at, revoked_at, created_at)
     VALUES (@id, @registration_id, @type, @token_hash, @hint, @scopes, @expires_at, NULL, @created_at)`,
  );
  const byHash = db.prepare<[string], PresentedCredential>(
    `SELECT c.*, r.kind AS registration_kind, r.status AS registration_status,
            r.expires_at AS registration_expires_at, r.user_id, u.email AS user_email
     FROM credentials c JOIN registrations r ON r.id = c.registration_id LEFT JOIN users u ON u.id = r.user_id
     WHERE c.token_hash = ?`,
  );
  const setScopes = db.prepare('UPDATE credentials SET scopes = ? WHERE registration_id = ? AND revoked_at IS NULL');
  const revokeForRegistration = db.prepare(
    'UPDATE credentials SET revoked_at = ? WHERE registration_id = ? AND revoked_at IS NULL',
  );
  const all = db.prepare<[], CredentialRow>('SELECT * FROM credentials ORDER BY created_at DESC');

  return {
    insert: (row: Omit<CredentialRow, 'revoked_at'>) => void insert.run(row),
    byTokenHash: (hash: string) => byHash.get(hash),
    setScopesForRegistration: (registrationId: string, scopes: string[]) =>
      void setScopes.run(scopes.join(' '), registrationId),
    /** Returns how many live credentials stopped working. */
    revokeForRegistration: (registrationId: string, at: number) =>
      revokeForRegistration.run(at, registrationId).changes,
    all: () => all.all(),
  };
}
