import type { Db } from '../../db/sqlite.js';
import { auditStore } from './audit.js';
import { claimAttemptsStore } from './claimAttempts.js';
import { credentialsStore } from './credentials.js';
import { rateLimitsStore } from './rateLimits.js';
import { registrationsStore } from './registrations.js';
import { replayStore } from './replay.js';
import { revocationsStore } from './revocations.js';
import { usersStore } from './users.js';

export { serviceMigrations } from './migrations.js';

/** All of the service's SQL, grouped by table. Nothing outside store/ writes SQL. */
export function createStore(db: Db) {
  // One transaction function, made once: db.transaction(fn) builds four wrappers per call (issue 19).
  const inTransaction = db.transaction((fn: () => unknown) => fn());
  return {
    db,
    users: usersStore(db),
    registrations: registrationsStore(db),
    credentials: credentialsStore(db),
    claimAttempts: claimAttemptsStore(db),
    replay: replayStore(db),
    revocations: revocationsStore(db),
    rateLimits: rateLimitsStore(db),
    audit: auditStore(db),
    /** better-sqlite3 transactions are synchronous: nothing else runs in this process meanwhile. */
    transaction: <T>(fn: () => T): T => inTransaction(fn) as T,
  };
}

export type Store = ReturnType<typeof createStore>;
