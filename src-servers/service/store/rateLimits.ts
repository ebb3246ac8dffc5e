import type { Db } from '../../db/sqlite.js';

/** Fixed one-hour windows counted in SQLite, so counts survive restarts and are shared by replicas. */
export function rateLimitsStore(db: Db) {
  // Increment only while under the limit: one statement, so concurrent requests cannot overshoot.
  const take = db.prepare(
    `INSERT INTO rate_limits (bucket, window_start, count) VALUES (@bucket, @window_start, 1)
     ON CONFLICT (bucket, window_start) DO UPDATE SET count = count + 1 WHERE count < @limit`,
  );
  const prune = db.prepare('DELETE FROM rate_limits WHERE window_start < ?');
  return {
    /** true when the request fits in the window (and is counted); false when the bucket is full. */
    take: (bucket: string, windowStart: number, limit: number) =>
      take.run({ bucket, window_start: windowStart, limit }).changes === 1,
    prune: (before: number) => void prune.run(before),
  };
}
