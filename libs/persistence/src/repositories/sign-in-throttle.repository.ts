import type { DataSource, EntityManager } from 'typeorm';

/**
 * Fixed-window sign-in counters in PostgreSQL, so a limit holds across every API replica.
 * One statement counts the attempt and returns the new total, atomically under concurrency.
 */
export class SignInThrottleRepository {
  constructor(private readonly db: DataSource | EntityManager) {}

  /** Counts one attempt for each key in the current window; returns the totals and the seconds until the window ends. */
  async hit(keys: readonly string[], windowSeconds: number): Promise<{ key: string; attempts: number; retryAfterSeconds: number }[]> {
    // Now and then sweep old windows; each sweep is cheap (indexed) and bounded.
    if (Math.random() < 0.02) {
      await this.db.query(`DELETE FROM sign_in_throttle WHERE window_start < now() - make_interval(secs => $1) - interval '1 hour'`, [windowSeconds]);
    }
    const rows: { key: string; attempts: number; retry_after: number }[] = await this.db.query(
      `WITH w AS (SELECT to_timestamp(floor(extract(epoch FROM now()) / $2) * $2) AS start)
       INSERT INTO sign_in_throttle (key, window_start, attempts)
       SELECT k, w.start, 1 FROM unnest($1::text[]) AS k, w
       ON CONFLICT (key, window_start) DO UPDATE SET attempts = sign_in_throttle.attempts + 1
       RETURNING key, attempts,
         greatest(1, ceil(extract(epoch FROM window_start + make_interval(secs => $2) - now())))::int AS retry_after`,
      [keys, windowSeconds],
    );
    return rows.map((r) => ({ key: r.key, attempts: r.attempts, retryAfterSeconds: r.retry_after }));
  }
}
