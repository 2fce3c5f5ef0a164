import type { DataSource } from 'typeorm';

export interface ChainVerification {
  ok: boolean;
  checked: number;
  /** The first row whose hash or link does not match, if any. */
  firstBrokenId: string | null;
  reason: string | null;
}

/**
 * Recomputes the audit hash chain in id order, in batches, with the same digest function the
 * insert trigger uses. A changed field, a removed row or a re-linked row breaks it.
 */
export async function verifyAuditChain(dataSource: DataSource, batchSize = 50_000): Promise<ChainVerification> {
  let lastId = '0';
  let prevHash: Buffer | null = null;
  let checked = 0;
  for (;;) {
    const rows: { id: string; prev_hash: Buffer | null; hash: Buffer | null; expected: Buffer }[] = await dataSource.query(
      `SELECT e.id::text AS id, e.prev_hash, e.hash, audit_event_digest(e, e.prev_hash) AS expected
         FROM audit_event e WHERE e.id > $1 ORDER BY e.id LIMIT $2`,
      [lastId, batchSize],
    );
    if (rows.length === 0) break;
    for (const row of rows) {
      const linkOk = prevHash === null ? row.prev_hash === null : row.prev_hash !== null && prevHash.equals(row.prev_hash);
      if (!linkOk) return { ok: false, checked, firstBrokenId: row.id, reason: 'prev_hash does not link to the previous row' };
      if (row.hash === null || !row.expected.equals(row.hash)) {
        return { ok: false, checked, firstBrokenId: row.id, reason: 'hash does not match the row content' };
      }
      prevHash = row.hash;
      lastId = row.id;
      checked++;
    }
  }
  return { ok: true, checked, firstBrokenId: null, reason: null };
}
