import type { Db } from '../../db/sqlite.js';
import { groupCommit } from '../../db/groupCommit.js';
import { auditStore } from './audit.js';
import { claimAttemptsStore } from './claimAttempts.js';
import { credentialsStore } from './credentials.js';
import { rateLimitsStore } from './rateLimits.js';
import { registrationsStore } from './registrations.js';
import { replayStore } from './replay.js';
import { revocationsStore } from './revocations.js';
import { usersStore } from './users.js';
import { v06AccountsStore } from './v06Accounts.js';
import { v06ClaimAttemptsStore } from './v06ClaimAttempts.js';
import { v06RegistrationsStore } from './v06Registrations.js';
import { v06TokensStore } from './v06Tokens.js';

export { serviceMigrations } from './migrations.js';

/** All of the service's SQL, grouped by table. Nothing outside store/ writes SQL. */
export function createStore(db: Db) {
  // One request's writes are atomic (a SAVEPOINT) and share the tick's one commit (db/groupCommit.ts).
  const group = groupCommit(db);
  return {
    group,
    db,
    users: usersStore(db),
    registrations: registrationsStore(db),
    credentials: credentialsStore(db),
    claimAttempts: claimAttemptsStore(db),
    replay: replayStore(db),
    revocations: revocationsStore(db),
    rateLimits: rateLimitsStore(db),
    audit: auditStore(db),
    // PROTOCOL-v0.6.md: the v0.6 profile's tables (migration 3).
    v06: {
      registrations: v06RegistrationsStore(db),
      claimAttempts: v06ClaimAttemptsStore(db),
      tokens: v06TokensStore(db),
      accounts: v06AccountsStore(db),
    },
    /**
     * better-sqlite3 transactions are synchronous: nothing else runs in this process meanwhile.
     * Committed with the rest of the tick's writes; answers wait for it (http/afterCommit.ts).
     */
    transaction: <T>(fn: () => T): T => group.run(fn),
  };
}

export type Store = ReturnType<typeof createStore>;
