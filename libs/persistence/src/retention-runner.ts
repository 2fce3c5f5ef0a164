import type { DataSource, EntityManager } from 'typeorm';
import type { RetentionRule } from './entities/retention-run.entity.js';
import type { IdentityCrypto } from './identity-crypto.js';
import { type RetentionCandidate, RetentionRepository, type RetentionRunRow, RETENTION_TABLES, type RetentionTable } from './repositories/retention.repository.js';

/** Why a due client was kept. */
export type RetentionKeepReason = 'research_birth_day' | 'identity_unreadable';

/**
 * The first day on which a record whose last entry fell in year Y is due: 1 January of Y + years + 1.
 * So a client is due on `referenceDate` when its last entry is before 1 January of (reference year − years).
 * Never early (last entry ≤ 31 Dec Y, so L + years ≤ 31 Dec Y + years < cutoff) and never late (the legal
 * latest date, end of the calendar year after the one in which the years ran out, is 31 Dec Y + years + 1).
 */
export function retentionCutoff(referenceDate: string, years: number): string {
  return `${String(Number(referenceDate.slice(0, 4)) - years).padStart(4, '0')}-01-01`;
}

/** Latest day the law allows for deleting a record whose last entry was on `lastEntry`: 31 Dec of its year + years + 1. */
export function retentionLegalDeadline(lastEntry: string, years: number): string {
  return `${Number(lastEntry.slice(0, 4)) + years + 1}-12-31`;
}

/** The day of the month of birth from a normalized identity number (YYYYMMDDNNNC; samordningsnummer: day + 60). */
export function birthDayOf(normalized: string): number {
  const day = Number(normalized.slice(6, 8));
  return day > 60 ? day - 60 : day;
}

/** Whether a due client is kept, and why; null = delete. Without an identity number no exception can match. */
export function keepReason(candidate: Pick<RetentionCandidate, 'identityCiphertext'>, municipalityId: string, rule: RetentionRule, crypto: IdentityCrypto): RetentionKeepReason | null {
  if (rule.keepBirthDays.length === 0 || !candidate.identityCiphertext) return null;
  let normalized: string;
  try {
    normalized = crypto.decrypt(municipalityId, candidate.identityCiphertext);
  } catch {
    // A number we cannot read (wrong key after a rotation gone wrong) might be a research birth day: keep, and say so.
    return 'identity_unreadable';
  }
  return rule.keepBirthDays.includes(birthDayOf(normalized)) ? 'research_birth_day' : null;
}

export interface MunicipalityRetentionPlan {
  municipalityId: string;
  code: string;
  name: string;
  /** Due clients (last entry before the cutoff, no open episode). */
  expected: number;
  /** Due clients that would be deleted. */
  toDelete: number;
  kept: number;
  keptByReason: Partial<Record<RetentionKeepReason, number>>;
  /** Last entry before the cutoff, but an episode still open: not due; close stale episodes. */
  heldByOpenEpisode: number;
  /** Clients to delete by the year of their last entry. */
  toDeleteByLastEntryYear: Record<string, number>;
}

export interface RetentionPlan {
  referenceDate: string;
  cutoffDate: string;
  rule: RetentionRule;
  municipalities: (MunicipalityRetentionPlan & { deleteIds: RetentionCandidate[] })[];
}

/** Plans a run: who is due in each municipality, who is kept by which exception. Reads only. */
export async function planRetention(
  db: EntityManager,
  crypto: IdentityCrypto,
  opts: { rule: RetentionRule; referenceDate: string; municipalityId?: string },
): Promise<RetentionPlan> {
  const repo = new RetentionRepository(db);
  const cutoffDate = retentionCutoff(opts.referenceDate, opts.rule.years);
  const municipalities = [];
  for (const m of await repo.listMunicipalities(opts.municipalityId)) {
    const due = await repo.listDueClients(m.id, cutoffDate);
    const keptByReason: Partial<Record<RetentionKeepReason, number>> = {};
    const deleteIds: RetentionCandidate[] = [];
    const byYear: Record<string, number> = {};
    for (const c of due) {
      const reason = keepReason(c, m.id, opts.rule, crypto);
      if (reason) keptByReason[reason] = (keptByReason[reason] ?? 0) + 1;
      else {
        deleteIds.push(c);
        byYear[c.lastEntry.slice(0, 4)] = (byYear[c.lastEntry.slice(0, 4)] ?? 0) + 1;
      }
    }
    municipalities.push({
      municipalityId: m.id,
      code: m.code,
      name: m.name,
      expected: due.length,
      toDelete: deleteIds.length,
      kept: due.length - deleteIds.length,
      keptByReason,
      heldByOpenEpisode: await repo.countHeldByOpenEpisode(m.id, cutoffDate),
      toDeleteByLastEntryYear: byYear,
      deleteIds,
    });
  }
  return { referenceDate: opts.referenceDate, cutoffDate, rule: opts.rule, municipalities };
}

export interface RetentionDryRun {
  referenceDate: string;
  cutoffDate: string;
  rule: RetentionRule;
  municipalities: (MunicipalityRetentionPlan & { rows: Record<RetentionTable, number> })[];
}

const COUNT_CHUNK = 1000;

/** What a run on `referenceDate` would delete and keep, per municipality, with row counts per table. Counts only. */
export async function retentionDryRun(
  db: EntityManager,
  crypto: IdentityCrypto,
  opts: { rule: RetentionRule; referenceDate: string; municipalityId?: string },
): Promise<RetentionDryRun> {
  const plan = await planRetention(db, crypto, opts);
  const repo = new RetentionRepository(db);
  const municipalities = [];
  for (const { deleteIds, ...m } of plan.municipalities) {
    const rows = Object.fromEntries(RETENTION_TABLES.map((t) => [t, 0])) as Record<RetentionTable, number>;
    for (let i = 0; i < deleteIds.length; i += COUNT_CHUNK) {
      const counts = await repo.countRows(m.municipalityId, deleteIds.slice(i, i + COUNT_CHUNK).map((c) => c.id));
      for (const t of RETENTION_TABLES) rows[t] += counts[t];
    }
    municipalities.push({ ...m, rows });
  }
  return { referenceDate: plan.referenceDate, cutoffDate: plan.cutoffDate, rule: plan.rule, municipalities };
}

/** Key of the session advisory lock that keeps retention runs from overlapping (replicas, manual runs). */
const RETENTION_LOCK = 7367879;

export interface RetentionRunOptions {
  rule: RetentionRule;
  referenceDate: string;
  trigger: 'schedule' | 'manual';
  batchSize: number;
  municipalityId?: string;
  /** Called with each finished municipality run (the worker logs it). */
  onRun?: (run: RetentionRunRow) => void;
  /**
   * Called in each batch's transaction before the clients' rows are deleted: the aggregation engine takes their
   * contributions out of the anonymous cells there (their level-1 rows are about to go).
   */
  beforeDelete?: (tx: EntityManager, municipalityId: string, clientIds: string[]) => Promise<void>;
}

export type RetentionRunResult = { locked: true } | { locked: false; runs: RetentionRunRow[] };

/**
 * Runs retention: per municipality, plans, records a run row, deletes in batches of `batchSize` clients
 * (each batch one transaction: lock, re-check still due, delete, audit, add to the run's counts), then
 * reconciles (difference = expected − deleted − kept; remaining due recounted). Safe after a crash: every
 * batch commits on its own and a new run plans from what remains. Runs never overlap (advisory lock).
 */
export async function runRetention(ds: DataSource, crypto: IdentityCrypto, opts: RetentionRunOptions): Promise<RetentionRunResult> {
  const lock = ds.createQueryRunner();
  await lock.connect();
  try {
    const [{ ok }] = await lock.query(`SELECT pg_try_advisory_lock($1) AS ok`, [RETENTION_LOCK]);
    if (!ok) return { locked: true };
    try {
      await new RetentionRepository(ds.manager).abandonRunning();
      const plan = await planRetention(ds.manager, crypto, opts);
      const runs: RetentionRunRow[] = [];
      const failures: string[] = [];
      for (const m of plan.municipalities) {
        const runId = await new RetentionRepository(ds.manager).insertRun({
          municipalityId: m.municipalityId,
          trigger: opts.trigger,
          referenceDate: plan.referenceDate,
          cutoffDate: plan.cutoffDate,
          rule: plan.rule,
          expected: m.expected,
          kept: m.kept,
          keptByReason: m.keptByReason,
          heldByOpenEpisode: m.heldByOpenEpisode,
        });
        try {
          for (let i = 0; i < m.deleteIds.length; i += opts.batchSize) {
            const batch = m.deleteIds.slice(i, i + opts.batchSize).map((c) => c.id);
            await ds.transaction(async (tx) => {
              const repo = new RetentionRepository(tx);
              const still = await repo.lockStillDue(m.municipalityId, batch, plan.cutoffDate);
              const ids = still.map((c) => c.id);
              if (ids.length > 0) await opts.beforeDelete?.(tx, m.municipalityId, ids);
              const rows = ids.length > 0 ? await repo.deleteClients(m.municipalityId, ids) : {};
              await repo.recordDeletions(m.municipalityId, still, `retention-run:${runId}`);
              await repo.addBatch(runId, (rows as Record<string, number>).client ?? 0, batch.length - still.length, rows);
            });
          }
          const after = await planRetention(ds.manager, crypto, { ...opts, municipalityId: m.municipalityId });
          const run = await new RetentionRepository(ds.manager).finishRun(runId, after.municipalities[0]?.toDelete ?? 0);
          runs.push(run);
          opts.onRun?.(run);
        } catch (e) {
          const message = e instanceof Error ? e.message : String(e);
          await new RetentionRepository(ds.manager).failRun(runId, message);
          failures.push(`${m.code}: ${message}`);
        }
      }
      if (failures.length > 0) throw new Error(`Retention failed for ${failures.length} municipality(ies): ${failures.join('; ')}`);
      return { locked: false, runs };
    } finally {
      await lock.query(`SELECT pg_advisory_unlock($1)`, [RETENTION_LOCK]);
    }
  } finally {
    await lock.release();
  }
}
