import { randomUUID } from 'node:crypto';
import { Logger } from '@nestjs/common';
import type { DataSource, EntityManager } from 'typeorm';
import { AuditAction, AuditPurpose, DomainError, type IsoDate, swedishToday } from '#domain';
import { Permission, scopeFor, type UnitScope } from '#access';
import { recordAudit } from '#audit';
import {
  type CsvRecord,
  CsvSyntaxError,
  type ExistingClient,
  type ExistingEpisode,
  type ImportContext,
  type ImportPlan,
  type ImportPlanTiming,
  type ImportRow,
  parseCsv,
  parseRows,
  planImport,
  readXlsx,
  type RowError,
} from '#imports';
import { writeOutbox, type OutboxEvent } from '#jobs';
import { IdentityCrypto, ImportRepository, type ImportJobRow, InstrumentRepository, MethodRepository, OrgUnitRepository, UserRepository } from '#persistence';

/** How many row errors a job keeps (the total is always counted). */
export const MAX_STORED_ERRORS = 1000;
/** Rows per multi-row statement: bounds statement size while keeping statements few. */
const CHUNK = 25_000;

export interface ImportRunSummary {
  state: 'succeeded' | 'failed';
  rowsTotal: number;
  rowsImported: number;
  rowsFailed: number;
  errorCount: number;
  errors: RowError[];
  result: Record<string, unknown>;
}

function chunks<T>(items: T[], size = CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** Milliseconds per step, shown in the job's result (where an import spends its time). */
function stopwatch() {
  const laps: Record<string, number> = {};
  let last = Date.now();
  return {
    laps,
    lap(name: string) {
      const now = Date.now();
      laps[name] = (laps[name] ?? 0) + now - last;
      last = now;
    },
  };
}
type Stopwatch = ReturnType<typeof stopwatch>;

const rowError = (row: number, column: string, sv: string, en: string): RowError => ({ row, column, reason: { sv, en } });

/** A problem that stops the whole file (no access, unreadable file): reported as one error, the job fails. */
class FatalImportError extends Error {
  constructor(readonly error: RowError) {
    super(error.reason.en);
  }
}

/**
 * Runs one import job (docs/import.md): parse the file, check every row against the catalogue and
 * the database, and — unless a dry run — write everything in one transaction, set-based, with the
 * job's final state in the same transaction. A re-run (queue retry, or the same file again) adds
 * nothing: every write is keyed by its natural key. Used by the worker's handler and the benchmark.
 */
export class ImportRunner {
  private readonly logger = new Logger(ImportRunner.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly crypto: IdentityCrypto,
    private readonly today: () => IsoDate = () => swedishToday(),
  ) {}

  /** Null when the job had already ended (nothing to do). */
  async run(importJobId: string): Promise<ImportRunSummary | null> {
    const jobs = new ImportRepository(this.dataSource.manager);
    const job = await jobs.startJob(importJobId);
    if (!job) return null;
    const started = Date.now();
    let summary: ImportRunSummary;
    try {
      summary = await this.execute(job, job.fileContent);
    } catch (error) {
      if (error instanceof FatalImportError) {
        summary = { state: 'failed', rowsTotal: 0, rowsImported: 0, rowsFailed: 0, errorCount: 1, errors: [error.error], result: {} };
      } else if (error instanceof DomainError) {
        summary = { state: 'failed', rowsTotal: 0, rowsImported: 0, rowsFailed: 0, errorCount: 1, errors: [rowError(0, '', error.sv, error.en)], result: { code: error.code } };
      } else {
        // The stack stays in the log; the job shows an id to quote. Nothing was written (one transaction).
        const errorId = randomUUID();
        this.logger.error({ msg: 'import failed', importJobId, errorId, err: error instanceof Error ? { name: error.name, stack: error.stack } : String(error) });
        summary = {
          state: 'failed',
          rowsTotal: 0,
          rowsImported: 0,
          rowsFailed: 0,
          errorCount: 1,
          errors: [rowError(0, '', `Ett oväntat fel inträffade (fel-id ${errorId}). Inget importerades.`, `An unexpected error occurred (error id ${errorId}). Nothing was imported.`)],
          result: { code: 'INTERNAL', errorId },
        };
      }
      await jobs.finishJob(job.id, { ...summary, result: { ...summary.result, durationMs: Date.now() - started } });
      return summary;
    }
    return summary;
  }

  private async read(job: ImportJobRow, file: Buffer): Promise<CsvRecord[]> {
    if (job.format === 'xlsx') {
      try {
        return await readXlsx(file);
      } catch {
        throw new FatalImportError(rowError(0, '', 'Filen kan inte läsas som XLSX.', 'The file cannot be read as XLSX.'));
      }
    }
    let text: string;
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(file);
    } catch {
      throw new FatalImportError(rowError(0, '', 'Filen är inte UTF-8-kodad. Spara den som CSV UTF-8.', 'The file is not UTF-8 encoded. Save it as CSV UTF-8.'));
    }
    try {
      return parseCsv(text);
    } catch (error) {
      if (error instanceof CsvSyntaxError) throw new FatalImportError(rowError(error.line, '', error.sv, error.en));
      throw error;
    }
  }

  private async execute(job: ImportJobRow, file: Buffer): Promise<ImportRunSummary> {
    const started = Date.now();
    const t = stopwatch();
    const jobs = new ImportRepository(this.dataSource.manager);
    const actor = await new UserRepository(this.dataSource).loadActor(job.createdBy, 'session');
    if (!actor) throw new FatalImportError(rowError(0, '', 'Användaren som startade importen finns inte längre eller är avstängd.', 'The user who started the import no longer exists or is disabled.'));
    const scope = scopeFor(actor, Permission.ImportRun);
    const unit = await new OrgUnitRepository(this.dataSource).findInScope(scope, job.orgUnitId);
    if (!unit) throw new FatalImportError(rowError(0, '', 'Enheten finns inte eller du saknar behörighet.', 'The unit does not exist or you do not have access.'));

    const today = this.today();
    const records = await this.read(job, file);
    t.lap('read');
    const parsed = parseRows(records, today);
    t.lap('parseRows');
    await jobs.progress(job.id, { phase: 'checking', rowsTotal: parsed.total });

    const refIndexes = new Map<string, string>();
    const identityIndexes = new Map<string, string>();
    for (const r of parsed.rows) {
      if (!refIndexes.has(r.clientRef)) refIndexes.set(r.clientRef, this.crypto.blindIndex(scope.municipalityId, `client-ref:${r.clientRef}`));
      if (r.identity && !identityIndexes.has(r.identity.normalized)) {
        identityIndexes.set(r.identity.normalized, this.crypto.blindIndex(scope.municipalityId, r.identity.normalized));
      }
    }

    // The real run reads and writes in one transaction, serialised per municipality; a dry run only reads.
    return this.dataSource.transaction(async (m) => {
      const repo = new ImportRepository(m);
      if (!job.dryRun) await repo.lockMunicipality(scope);
      const ctx = await this.context(m, scope, unit.path, parsed.rows, refIndexes, identityIndexes, today);
      t.lap('context');
      const plan = planImport(parsed.rows, ctx);
      t.lap('plan');
      const errors = [...parsed.errors, ...plan.errors].sort((a, b) => a.row - b.row);
      const failedRows = new Set([...parsed.errors.map((e) => e.row), ...plan.failedRows]);
      // A header problem fails every row.
      const rowsFailed = parsed.header ? [...failedRows].filter((r) => r > 1).length : parsed.total;
      await jobs.progress(job.id, { rowsProcessed: parsed.total });
      const base = { rowsTotal: parsed.total, rowsFailed, errorCount: errors.length, errors: errors.slice(0, MAX_STORED_ERRORS) };
      const sameFileAs = await repo.findSucceededWithHash(scope.municipalityId, job.orgUnitId, job.fileSha256, job.id);

      if (errors.length > 0 || job.dryRun) {
        const summary: ImportRunSummary = {
          ...base,
          state: job.dryRun ? 'succeeded' : 'failed',
          rowsImported: 0,
          result: {
            dryRun: job.dryRun,
            sameFileAs,
            planned: {
              newClients: plan.clients.filter((c) => !c.existing).length,
              existingClients: plan.clients.filter((c) => c.existing).length,
              newEpisodes: plan.episodes.filter((e) => !e.existingId).length,
              existingEpisodes: plan.episodes.filter((e) => e.existingId).length,
              responses: plan.responses.length,
              answers: plan.responses.reduce((n, r) => n + r.answers.length, 0),
            },
            durationMs: Date.now() - started,
            timingsMs: t.laps,
          },
        };
        // Outside this transaction's writes (there are none): the job row is updated on its own.
        await jobs.finishJob(job.id, summary);
        return summary;
      }

      await jobs.progress(job.id, { phase: 'writing' });
      const written = await this.write(m, scope, job, plan, t);
      const summary: ImportRunSummary = {
        ...base,
        state: 'succeeded',
        rowsImported: written.rowsImported,
        result: { dryRun: false, sameFileAs, ...written.counts, durationMs: Date.now() - started, timingsMs: t.laps },
      };
      // The job's end commits with the data: a crash before commit leaves neither, and a retry starts over.
      await repo.finishJob(job.id, summary);
      return summary;
    });
  }

  private async context(
    m: EntityManager,
    scope: UnitScope,
    unitPath: string,
    rows: ImportRow[],
    refIndexes: Map<string, string>,
    identityIndexes: Map<string, string>,
    today: IsoDate,
  ): Promise<ImportContext> {
    const repo = new ImportRepository(m);
    const units = await repo.unitCodesUnder(scope, unitPath);
    const methods = new Map<string, { id: string; plan: ImportPlanTiming | null }>();
    const methodRepo = new MethodRepository(m);
    for (const method of await methodRepo.listMethods(scope.municipalityId)) {
      methods.set(method.code, { id: method.id, plan: method.plan });
    }
    const instruments: ImportContext['instruments'] = new Map();
    const instrumentRepo = new InstrumentRepository(m);
    for (const key of new Set(rows.map((r) => `${r.instrumentCode}@${r.instrumentVersion}`))) {
      const [code, version] = key.split('@') as [string, string];
      const found = await instrumentRepo.findVersion(scope.municipalityId, code, Number(version));
      if (found) (instruments as Map<string, unknown>).set(key, { instrumentId: found.instrumentId, versionId: found.versionId, definition: found.definition });
    }

    const toExisting = (c: { id: string; pseudonym: string; homeUnitId: string; sex: ExistingClient['sex']; identityIndex: string | null }): ExistingClient => ({
      id: c.id,
      pseudonym: c.pseudonym,
      homeUnitId: c.homeUnitId,
      sex: c.sex,
      identityIndex: c.identityIndex,
    });
    const existingByRef = new Map<string, ExistingClient | 'outside_scope'>();
    for (const [key, c] of await repo.clientsByRefIndex(scope, [...refIndexes.values()])) existingByRef.set(key, c.visible ? toExisting(c) : 'outside_scope');
    const existingByIdentity = new Map<string, ExistingClient | 'outside_scope'>();
    for (const [key, c] of await repo.clientsByIdentityIndex(scope, [...identityIndexes.values()])) {
      existingByIdentity.set(key, c.visible ? toExisting(c) : 'outside_scope');
    }
    const clientIds = new Set<string>();
    for (const c of [...existingByRef.values(), ...existingByIdentity.values()]) if (c !== 'outside_scope') clientIds.add(c.id);
    const existingEpisodes = new Map<string, ExistingEpisode[]>();
    const plans = new Map<string, ImportPlanTiming>();
    for (const e of await repo.episodesOfClients(scope, [...clientIds])) {
      existingEpisodes.set(e.clientId, [...(existingEpisodes.get(e.clientId) ?? []), e]);
      if (!plans.has(e.planId)) {
        const plan = await methodRepo.findPlan(e.planId);
        if (plan) plans.set(e.planId, plan);
      }
    }
    return { today, units, methods, instruments, refIndexes, identityIndexes, existingByRef, existingByIdentity, existingEpisodes, plans };
  }

  private async write(m: EntityManager, scope: UnitScope, job: ImportJobRow, plan: ImportPlan, t: Stopwatch) {
    const repo = new ImportRepository(m);
    const userId = scope.actor.userId;

    // Clients: new ones get a pseudonym from one reservation; personnummer encrypted as in ClientsService.
    const newClients = plan.clients.filter((c) => !c.existing);
    const pseudonyms = await repo.reservePseudonyms(scope, newClients.length);
    const clientIds = new Map<string, { id: string; pseudonym: string; homeUnitId: string; isNew: boolean }>();
    const clientRows = newClients.map((c, i) => {
      const id = randomUUID();
      clientIds.set(c.key, { id, pseudonym: pseudonyms[i]!, homeUnitId: c.homeUnitId, isNew: true });
      return {
        id,
        pseudonym: pseudonyms[i]!,
        homeUnitId: c.homeUnitId,
        birthYear: c.birthYear,
        sex: c.sex,
        identityKind: c.identity?.kind ?? null,
        identityCiphertext: c.identity ? this.crypto.encrypt(scope.municipalityId, c.identity.normalized) : null,
        identityBlindIndex: c.identity?.index ?? null,
      };
    });
    for (const c of plan.clients) {
      if (c.existing) clientIds.set(c.key, { id: c.existing.id, pseudonym: c.existing.pseudonym, homeUnitId: c.existing.homeUnitId, isNew: false });
    }
    for (const part of chunks(clientRows)) await repo.insertClients(scope, part);
    let newRefs = 0;
    for (const part of chunks(plan.clients)) newRefs += await repo.insertClientRefs(scope, part.map((c) => ({ refIndex: c.refIndex, clientId: clientIds.get(c.key)!.id })));
    t.lap('clients');

    // Episodes: new ones by (client, method, start); existing ones were matched in planning.
    const episodeIds = new Map<string, string>();
    const newEpisodes = plan.episodes.filter((e) => !e.existingId);
    for (const e of plan.episodes) episodeIds.set(e.key, e.existingId ?? randomUUID());
    for (const part of chunks(newEpisodes)) {
      await repo.insertEpisodes(
        scope,
        part.map((e) => ({
          id: episodeIds.get(e.key)!,
          clientId: clientIds.get(e.clientKey)!.id,
          methodId: e.methodId,
          orgUnitId: e.orgUnitId,
          planId: e.plan.id,
          caseworkerUserId: userId,
          startDate: e.startDate,
          closeDate: e.closeDate,
          closeReason: e.closeReason,
        })),
      );
    }

    t.lap('episodes');
    // Occasions: the plan's schedule plus the answered ones; existing ones are kept as they are.
    const occasionIds = new Map<string, { id: string; inserted: boolean }>();
    let occasionsCreated = 0;
    for (const part of chunks(plan.occasions)) {
      const rows = await repo.upsertOccasions(scope, part.map((o) => ({ ...o, episodeId: episodeIds.get(o.episodeKey)! })));
      for (const o of rows) {
        occasionIds.set(`${o.episodeId}|${o.kind}|${o.seq}`, { id: o.id, inserted: o.inserted });
        if (o.inserted) occasionsCreated++;
      }
    }

    t.lap('occasions');
    // Responses: (occasion, instrument) is unique while current, so a re-run inserts none.
    const responseRows = plan.responses.map((r) => {
      const episodeId = episodeIds.get(r.episodeKey)!;
      return { plan: r, id: randomUUID(), occasion: occasionIds.get(`${episodeId}|${r.kind}|${r.seq}`)!, episodeId, clientId: clientIds.get(r.clientKey)!.id };
    });
    const inserted = new Set<string>();
    for (const part of chunks(responseRows)) {
      const ids = await repo.insertResponses(
        scope,
        part.map((r) => ({
          id: r.id,
          occasionId: r.occasion.id,
          episodeId: r.episodeId,
          clientId: r.clientId,
          instrumentId: r.plan.instrumentId,
          versionId: r.plan.versionId,
          answeredOn: r.plan.answeredOn,
          respondent: r.plan.respondent,
        })),
        userId,
      );
      for (const id of ids) inserted.add(id);
    }
    const newResponses = responseRows.filter((r) => inserted.has(r.id));

    // Occasions that existed before and now have a response become done on the earliest answer date.
    const doneExisting = new Map<string, string>();
    for (const r of newResponses) {
      if (r.occasion.inserted) continue;
      const prev = doneExisting.get(r.occasion.id);
      if (!prev || r.plan.answeredOn < prev) doneExisting.set(r.occasion.id, r.plan.answeredOn);
    }
    const occasionsMarkedDone = await repo.markOccasionsDone([...doneExisting].map(([id, doneOn]) => ({ id, doneOn })));

    t.lap('responses');
    let answers = 0;
    let scaleScores = 0;
    await repo.copyAnswers(
      (function* () {
        for (const r of newResponses) {
          for (const a of r.plan.answers) {
            answers++;
            yield [r.id, a.itemId, a.numeric, a.text] as [string, string, number | null, string | null];
          }
        }
      })(),
    );
    await repo.copyScaleScores(
      (function* () {
        for (const r of newResponses) {
          for (const s of r.plan.scores) {
            scaleScores++;
            yield [r.id, s.scaleId, s.raw, s.valid, s.invalidReason?.code ?? null, s.band?.label.sv ?? null, s.isCase ?? null, s.prorated] as [
              string,
              string,
              number | null,
              boolean,
              string | null,
              string | null,
              boolean | null,
              boolean,
            ];
          }
        }
      })(),
    );

    t.lap('answersAndScores');
    // What aggregates depend on changed for these episodes and clients: announced through the outbox.
    const changedEpisodes = new Set<string>();
    for (const e of newEpisodes) changedEpisodes.add(episodeIds.get(e.key)!);
    for (const r of newResponses) changedEpisodes.add(r.episodeId);
    for (const [key, o] of occasionIds) if (o.inserted) changedEpisodes.add(key.split('|')[0]!);
    const episodeClient = new Map(plan.episodes.map((e) => [episodeIds.get(e.key)!, clientIds.get(e.clientKey)!.id]));
    const events: OutboxEvent[] = [
      ...clientRows.map((c) => ({ topic: 'client.changed' as const, payload: { clientId: c.id } })),
      ...[...changedEpisodes].map((episodeId) => ({ topic: 'episode.changed' as const, payload: { episodeId, clientId: episodeClient.get(episodeId)! } })),
    ];
    for (const part of chunks(events, 5000)) await writeOutbox(m, scope.municipalityId, part);
    t.lap('outbox');

    // One audit event per client in the file: `create` where the import wrote something for it, else `read` (matched only).
    const touchedClients = new Set([...clientRows.map((c) => c.id), ...[...changedEpisodes].map((e) => episodeClient.get(e)!)]);
    const audited = new Map<string, { id: string; pseudonym: string; homeUnitId: string }>();
    for (const c of clientIds.values()) audited.set(c.id, c);
    const records = [...audited.values()].map((c) => ({
      action: touchedClients.has(c.id) ? AuditAction.Create : AuditAction.Read,
      resource: 'import',
      purpose: AuditPurpose.FollowUp,
      clientId: c.id,
      clientPseudonym: c.pseudonym,
      orgUnitId: c.homeUnitId,
    }));
    for (const part of chunks(records, 3000)) await recordAudit(m, { scope, requestId: `import-${job.id}` }, part);
    t.lap('audit');

    return {
      rowsImported: newResponses.length,
      counts: {
        clients: { created: clientRows.length, matched: plan.clients.length - clientRows.length, newReferences: newRefs },
        episodes: { created: newEpisodes.length, matched: plan.episodes.length - newEpisodes.length },
        occasions: { created: occasionsCreated, markedDone: occasionsMarkedDone },
        responses: { created: newResponses.length, alreadyPresent: responseRows.length - newResponses.length },
        answers,
        scaleScores,
        outboxEvents: events.length,
        auditEvents: records.length,
      },
    };
  }
}
