/**
 * Group commit: every write of one event-loop tick goes into one SQLite transaction, committed
 * once (one WAL fsync, synchronous=FULL as before) right after the tick, instead of one commit
 * per request. Durability is unchanged because nothing that depends on those writes leaves the
 * process before they are committed: a response that ends while a group is open is held until
 * that group's COMMIT returns (http/afterCommit.ts), so what got a 200 survives a SIGKILL.
 *
 * Each unit of work runs in its own SAVEPOINT inside the group (better-sqlite3 nests a
 * transaction function that way), so one request's failure undoes only its own writes.
 */
import type { Db } from './sqlite.js';

export interface GroupCommit {
  /** Runs `fn` atomically within the current group (opening one if none is open). */
  run<T>(fn: () => T): T;
  /** True while writes wait for their commit: an answer given now must wait for `afterCommit`. */
  readonly pending: boolean;
  /** Calls `then(null)` once the open group has committed (or `then(err)` if it could not), at once when none is open. */
  afterCommit(then: (err: Error | null) => void): void;
  /** Commits the open group now (before the database closes). */
  flush(): void;
}

export function groupCommit(db: Db): GroupCommit {
  const unit = db.transaction((fn: () => unknown) => fn());
  let open = false;
  let waiters: ((err: Error | null) => void)[] = [];

  function commit() {
    if (!open) return;
    open = false;
    const waiting = waiters;
    waiters = [];
    let failure: Error | null = null;
    try {
      // SQLite itself rolls a whole transaction back on some errors (SQLITE_FULL, an I/O error):
      // then nothing of this group was stored, and no one may be told it was.
      if (!db.inTransaction) throw new Error('the database rolled this group of writes back');
      db.exec('COMMIT');
    } catch (err) {
      failure = err as Error;
      try {
        if (db.inTransaction) db.exec('ROLLBACK');
      } catch {
        // already rolled back by SQLite (e.g. an I/O error)
      }
    }
    for (const w of waiting) w(failure);
  }

  return {
    run<T>(fn: () => T): T {
      if (!open && db.open) {
        // IMMEDIATE: take the write lock now, so a busy database fails here, not at COMMIT.
        db.exec('BEGIN IMMEDIATE');
        open = true;
        setImmediate(commit);
      }
      return unit(fn) as T;
    },
    get pending() {
      return open;
    },
    afterCommit(then) {
      if (!open) return then(null);
      waiters.push(then);
    },
    flush: commit,
  };
}
