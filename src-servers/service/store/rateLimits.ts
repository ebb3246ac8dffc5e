import type { Db } from '../../db/sqlite.js';

/**
 * Fixed one-hour windows (PROTOCOL.md §9 `rateLimits`), counted in memory and kept in SQLite, so
 * counts survive restarts. A request's take is decided in memory — this process is the only writer
 * of its database (host/dataDirLock.ts), and JavaScript runs one take at a time, so concurrent
 * requests cannot overshoot — and the new counts are written once per tick, in one transaction for
 * every request of the tick (issue 19: a registration used to commit each of its takes on its own,
 * three commits where one does). A SIGKILL can lose the counts of its last tick: a throttle that
 * lets a few more requests through after a crash, never a credential or a replayed jti, which
 * commit before their answer.
 */
export function rateLimitsStore(db: Db) {
  const read = db.prepare<[string, number], { count: number }>('SELECT count FROM rate_limits WHERE bucket = ? AND window_start = ?');
  // MAX: a count read before another write can never lower what is stored.
  const write = db.prepare(
    `INSERT INTO rate_limits (bucket, window_start, count) VALUES (?, ?, ?)
     ON CONFLICT (bucket, window_start) DO UPDATE SET count = MAX(count, excluded.count)`,
  );
  const prune = db.prepare('DELETE FROM rate_limits WHERE window_start < ?');
  const writeAll = db.transaction((batch: readonly { bucket: string; windowStart: number; count: number }[]) => {
    for (const w of batch) write.run(w.bucket, w.windowStart, w.count);
  });
  interface Window { bucket: string; windowStart: number; count: number }
  const windows = new Map<string, Window>();
  const dirty = new Set<Window>();
  let scheduled = false;

  const flush = () => {
    scheduled = false;
    if (dirty.size === 0 || !db.open) return; // closed under us: the service stopped (stop() flushed)
    const batch = [...dirty];
    dirty.clear();
    writeAll(batch);
  };

  return {
    /** true when the request fits in the window (and is counted); false when the bucket is full. */
    take: (bucket: string, windowStart: number, limit: number): boolean => {
      const key = `${windowStart}\u0000${bucket}`;
      let w = windows.get(key);
      if (!w) {
        w = { bucket, windowStart, count: read.get(bucket, windowStart)?.count ?? 0 };
        windows.set(key, w);
      }
      if (w.count >= limit) return false;
      w.count++;
      dirty.add(w);
      if (!scheduled) {
        scheduled = true;
        setImmediate(() => {
          try {
            flush();
          } catch {
            /* the next take schedules another write; stop() writes what is left */
          }
        });
      }
      return true;
    },
    /** Write the counts not yet written (the service calls it when it stops). */
    flush,
    prune: (before: number) => {
      flush();
      prune.run(before);
      for (const [key, w] of windows) if (w.windowStart < before) windows.delete(key);
    },
  };
}
