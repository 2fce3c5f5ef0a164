import type { DataSource, EntityManager } from 'typeorm';
import { returnedRows } from '../sql.js';

export interface IdempotencyRecordRow {
  route: string;
  bodyHash: string;
  /** Null while the first request is in flight. */
  statusCode: number | null;
  responseBody: unknown;
  createdAt: Date;
  completedAt: Date | null;
}

/**
 * Idempotency-Key records, per user and key. A record is claimed in the work's own transaction and completed in it,
 * so a failed or interrupted request rolls its claim back with its work (apps/api/src/common/idempotency.ts).
 */
export class IdempotencyRepository {
  constructor(private readonly db: DataSource | EntityManager) {}

  /**
   * Claims the key; false when a record exists already. While another transaction holds an uncommitted claim of the
   * key, this waits for it to commit (false) or roll back (true), bounded by the transaction's lock_timeout.
   */
  async claim(userId: string, key: string, route: string, bodyHash: string): Promise<boolean> {
    const rows = await this.db.query(
      `INSERT INTO idempotency_record (user_id, key, route, body_hash) VALUES ($1, $2, $3, $4)
       ON CONFLICT (user_id, key) DO NOTHING RETURNING key`,
      [userId, key, route, bodyHash],
    );
    return rows.length > 0;
  }

  async find(userId: string, key: string): Promise<IdempotencyRecordRow | null> {
    const rows = await this.db.query(
      `SELECT route, body_hash, status_code, response_body, created_at, completed_at FROM idempotency_record WHERE user_id = $1 AND key = $2`,
      [userId, key],
    );
    const r = rows[0];
    return r
      ? { route: r.route, bodyHash: r.body_hash, statusCode: r.status_code, responseBody: r.response_body, createdAt: r.created_at, completedAt: r.completed_at }
      : null;
  }

  /**
   * Takes over a committed record without an outcome older than `olderThanSeconds` (left by an earlier version, whose
   * claims committed before the work, by a process that died). Only one caller wins: the claim time is compared and
   * reset in one statement.
   */
  async reclaimAbandoned(userId: string, key: string, olderThanSeconds: number): Promise<boolean> {
    const rows = returnedRows(
      await this.db.query(
        `UPDATE idempotency_record SET created_at = now()
          WHERE user_id = $1 AND key = $2 AND completed_at IS NULL AND created_at < now() - make_interval(secs => $3)
          RETURNING key`,
        [userId, key, olderThanSeconds],
      ),
    );
    return rows.length > 0;
  }

  /** Stores the outcome; call it in the transaction of the work, so both commit or neither does. */
  async complete(userId: string, key: string, statusCode: number, body: unknown): Promise<void> {
    await this.db.query(
      `UPDATE idempotency_record SET status_code = $3, response_body = $4::jsonb, completed_at = now()
        WHERE user_id = $1 AND key = $2 AND completed_at IS NULL`,
      [userId, key, statusCode, JSON.stringify(body)],
    );
  }
}
