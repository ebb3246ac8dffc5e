import type { Db } from '../../db/sqlite.js';

export interface UserRow {
  id: string;
  email: string | null;
  phone_number: string | null;
  name: string | null;
  created_at: number;
}

/** Users and delegations: who a registration belongs to (PROTOCOL.md §2 user matching). */
export function usersStore(db: Db) {
  const byId = db.prepare<[string], UserRow>('SELECT * FROM users WHERE id = ?');
  const byEmail = db.prepare<[string], UserRow>('SELECT * FROM users WHERE email = ?');
  const byPhone = db.prepare<[string], UserRow>('SELECT * FROM users WHERE phone_number = ?');
  const insert = db.prepare(
    'INSERT INTO users (id, email, phone_number, name, created_at) VALUES (@id, @email, @phone_number, @name, @created_at)',
  );
  const delegation = db.prepare<[string, string], { user_id: string }>(
    'SELECT user_id FROM delegations WHERE iss = ? AND sub = ?',
  );
  const insertDelegation = db.prepare(
    'INSERT OR IGNORE INTO delegations (iss, sub, user_id, created_at) VALUES (?, ?, ?, ?)',
  );
  const all = db.prepare<[], UserRow>('SELECT * FROM users ORDER BY created_at');

  return {
    byId: (id: string) => byId.get(id),
    byEmail: (email: string) => byEmail.get(email.toLowerCase()),
    byPhone: (phone: string) => byPhone.get(phone),
    insert: (row: UserRow) => void insert.run({ ...row, email: row.email?.toLowerCase() ?? null }),
    delegatedUser: (iss: string, sub: string) => delegation.get(iss, sub)?.user_id,
    addDelegation: (iss: string, sub: string, userId: string, at: number) =>
      void insertDelegation.run(iss, sub, userId, at),
    all: () => all.all(),
  };
}
