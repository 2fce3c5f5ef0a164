import type { DataSource, EntityManager } from 'typeorm';
import { type EvidenceFromData, evidenceFromData, type FigureRow, LinkedCountsReader, type LinkedEpisodeCounts, methodCountKey } from '#aggregation';
import type { ReportDefinition } from './definitions.js';

export interface SourceUnit {
  id: string;
  name: string;
  kind: string;
  path: string;
  depth: number;
}

export interface SourceMethod {
  id: string;
  code: string;
  name: string;
  evidenceStatus: string;
}

export interface SourceScale {
  id: string;
  name: { sv: string; en: string };
  bands: { sv: string; en: string }[];
}

export interface SourceInstrument {
  id: string;
  code: string;
  name: { sv: string; en: string };
  purpose: string;
  scales: SourceScale[];
  items: { id: string; text: { sv: string; en: string }; options: { value: string; label: { sv: string; en: string } }[] }[];
}

export interface ScopedFigure extends FigureRow {
  scopeKey: string;
}

/** Everything a report is built from, read in one REPEATABLE READ snapshot so the figures agree with each other. */
export interface ReportSource {
  definition: ReportDefinition;
  scope: { kind: string; id: string; name: string; path: string | null; coversMunicipality: boolean };
  municipalityName: string;
  k: number;
  periodKey: string;
  previousKey: string;
  /** Row units: politicians the top administrations below the scope, management every unit below it. */
  units: SourceUnit[];
  methods: SourceMethod[];
  figures: ScopedFigure[];
  instruments: Map<string, SourceInstrument>;
  evidence: { methodId: string; items: EvidenceFromData[]; hand: { element: number; question: number; answer: string }[] }[];
  /** Result reports of this municipality for earlier periods that ended in the 12 months before this period's end (10.7). */
  earlierReports: number;
  /** The newest source change the figures include (the data's "as of"); null when unknown. */
  dataAsOf: Date | null;
  /**
   * A politicians' report of one method whose count is hidden on the municipality's per-method row (as politicians
   * see it in the aggregate views, `hiddenMethodCounts`) for these periods: its figures are withheld.
   */
  methodWithheldFor: string[];
  /**
   * Politicians' reports: per period, the per-method and breakdown counts the aggregate views hide across pages
   * (`linkedEpisodeCounts`), which the report hides too. Null for management reports.
   */
  linked?: Record<string, LinkedEpisodeCounts> | null;
}

type Db = DataSource | EntityManager;

/** Connections used at once for the per-method evidence reads (the worker's pool has 10). */
const PARALLEL = 3;

/** Intention-named reads for one report. Every query is bounded by the definition's municipality. */
export class ReportSourceReader {
  constructor(private readonly ds: DataSource) {}

  async read(definition: ReportDefinition, periodKey: string, previousKey: string, reference: string): Promise<ReportSource> {
    const runner = this.ds.createQueryRunner();
    await runner.connect();
    try {
      await runner.startTransaction('REPEATABLE READ');
      const m = runner.manager;
      // The evidence questions scan the episodes once per method: they run on parallel connections that share this
      // transaction's snapshot (pg_export_snapshot), so every figure still comes from one moment.
      const [{ snapshot }] = await m.query(`SELECT pg_export_snapshot() AS snapshot`);
      const source = await this.readIn(m, definition, periodKey, previousKey, reference, snapshot);
      await runner.commitTransaction();
      return source;
    } catch (e) {
      await runner.rollbackTransaction().catch(() => undefined);
      throw e;
    } finally {
      await runner.release();
    }
  }

  private async readIn(m: EntityManager, d: ReportDefinition, periodKey: string, previousKey: string, reference: string, snapshot: string): Promise<ReportSource> {
    const mun = d.municipalityId;
    const [municipality] = await m.query(`SELECT name FROM municipality WHERE id = $1`, [mun]);
    const [setting] = await m.query(`SELECT k_politician FROM aggregation_setting WHERE municipality_id = $1`, [mun]);
    const methods: SourceMethod[] = await m.query(
      `SELECT id, code, name, evidence_status AS "evidenceStatus" FROM method WHERE municipality_id = $1 ORDER BY code, id`,
      [mun],
    );
    const scope = await this.scopeOf(m, d);
    const units = await this.rowUnits(m, d, scope.path);
    const scopeKeys = [mainScopeKey(d), ...units.map((u) => `unit:${u.id}`)];
    if (scope.coversMunicipality) scopeKeys.push(...methods.map((x) => `method:${x.id}`));
    // Explicit SQL: every stored figure of the report's scopes for the two periods, in a fixed order.
    const figures: ScopedFigure[] = await m.query(
      `SELECT scope_key AS "scopeKey", period_key AS "periodKey", breakdown_key AS "breakdownKey", figure, subject, stats,
              computed_at AS "computedAt", source_changed_at AS "sourceChangedAt"
         FROM aggregate_figure WHERE municipality_id = $1 AND scope_key = ANY($2) AND period_key = ANY($3)
        ORDER BY scope_key, period_key, figure, subject, breakdown_key`,
      [mun, scopeKeys, [periodKey, previousKey]],
    );
    const instrumentIds = [...new Set(figures.filter((f) => f.figure !== 'episodes').map((f) => f.subject.split('/')[0]!))].sort();
    const instruments = await this.instruments(m, instrumentIds);
    const methodIds = this.reportedMethods(d, figures, periodKey);
    const [settings] = await m.query(`SELECT evidence_yes::float8 AS yes, evidence_partly::float8 AS partly FROM aggregation_setting WHERE municipality_id = $1`, [mun]);
    const inUnit = scope.kind === 'unit' || scope.kind === 'administration';
    const evidenceOf = async (db: EntityManager, methodId: string) => {
      const data = await evidenceFromData(db, {
        municipalityId: mun,
        methodId,
        unitPath: inUnit ? scope.path : null,
        unitId: inUnit ? scope.id : null,
        reference,
        yes: settings?.yes ?? 0.8,
        partly: settings?.partly ?? 0.5,
      });
      const hand = await db.query(
        `SELECT element, question, answer FROM evidence_answer
          WHERE municipality_id = $1 AND method_id = $2 AND (org_unit_id IS NULL OR org_unit_id = $3)
          ORDER BY element, question, org_unit_id NULLS LAST`,
        [mun, methodId, inUnit ? scope.id : null],
      );
      return { methodId, items: data.items, hand };
    };
    const evidence = await this.inParallel(methodIds, snapshot, evidenceOf);
    const [earlier] = await m.query(
      `SELECT count(DISTINCT r.period_key)::int AS n FROM result_report r
        WHERE r.municipality_id = $1 AND r.period_key <> $2 AND r.period_end < $3::date AND r.period_end >= ($3::date - interval '12 months')`,
      [mun, periodKey, reference],
    );
    const k = setting?.k_politician ?? 5;
    const linked = d.audience === 'politicians' ? Object.fromEntries(await new LinkedCountsReader(m).solve(mun, [periodKey, previousKey], k)) : null;
    const methodWithheldFor = linked && d.scopeKind === 'method' ? this.methodWithheldFor(d, [periodKey, previousKey], linked) : [];
    const current = figures.filter((f) => f.periodKey === periodKey && f.sourceChangedAt);
    const dataAsOf = current.length ? new Date(Math.max(...current.map((f) => new Date(f.sourceChangedAt!).getTime()))) : null;
    return {
      definition: d,
      scope,
      municipalityName: municipality?.name ?? '',
      k,
      periodKey,
      previousKey,
      units,
      methods,
      figures,
      instruments,
      evidence,
      earlierReports: earlier?.n ?? 0,
      dataAsOf,
      methodWithheldFor,
      linked,
    };
  }

  /**
   * The periods (of those the report shows) in which politicians' aggregate views hide the method's count on the
   * municipality's row: the same solution over the municipality, its administrations and the methods' pages as the
   * API's (apps/api/src/aggregates/method-disclosure.ts), so a method report cannot give back what a view hides.
   */
  private methodWithheldFor(d: ReportDefinition, periods: string[], linked: Record<string, LinkedEpisodeCounts>): string[] {
    const key = methodCountKey(`municipality:${d.municipalityId}`, d.scopeId);
    return periods.filter((p) => linked[p]!.started.has(key) || linked[p]!.active.has(key));
  }

  /** Runs `work` for each item on up to PARALLEL connections inside the exported snapshot; results in input order. */
  private async inParallel<T, R>(items: readonly T[], snapshot: string, work: (db: EntityManager, item: T) => Promise<R>): Promise<R[]> {
    const results: R[] = new Array(items.length);
    let next = 0;
    const lanes = Math.min(PARALLEL, items.length);
    await Promise.all(
      Array.from({ length: lanes }, async () => {
        const runner = this.ds.createQueryRunner();
        await runner.connect();
        try {
          await runner.startTransaction('REPEATABLE READ');
          await runner.query(`SET TRANSACTION SNAPSHOT '${snapshot.replace(/'/g, '')}'`);
          for (let i = next++; i < items.length; i = next++) results[i] = await work(runner.manager, items[i]!);
          await runner.commitTransaction();
        } catch (e) {
          await runner.rollbackTransaction().catch(() => undefined);
          throw e;
        } finally {
          await runner.release();
        }
      }),
    );
    return results;
  }

  private async scopeOf(m: Db, d: ReportDefinition): Promise<ReportSource['scope']> {
    if (d.scopeKind === 'municipality') {
      return { kind: 'municipality', id: d.municipalityId, name: '', path: null, coversMunicipality: true };
    }
    if (d.scopeKind === 'method') {
      const [x] = await m.query(`SELECT name FROM method WHERE municipality_id = $1 AND id = $2`, [d.municipalityId, d.scopeId]);
      return { kind: 'method', id: d.scopeId, name: x?.name ?? '', path: null, coversMunicipality: false };
    }
    const [u] = await m.query(`SELECT name, path FROM org_unit WHERE municipality_id = $1 AND id = $2`, [d.municipalityId, d.scopeId]);
    return { kind: d.scopeKind, id: d.scopeId, name: u?.name ?? '', path: u?.path ?? null, coversMunicipality: false };
  }

  /**
   * Units shown as rows. Politicians: the administrations directly under the scope (no administration above them
   * inside it), never units below administration level (docs/aggregation.md). Management: every unit below the scope.
   */
  private async rowUnits(m: Db, d: ReportDefinition, scopePath: string | null): Promise<SourceUnit[]> {
    if (d.scopeKind === 'method') return [];
    const prefix = scopePath ?? '/';
    const rows: SourceUnit[] = await m.query(
      `SELECT u.id, u.name, u.kind, u.path, (length(u.path) - length(replace(u.path, '/', '')) - 2) AS depth
         FROM org_unit u WHERE u.municipality_id = $1 AND u.path LIKE $2 || '%' AND u.path <> $2
        ORDER BY u.path`,
      [d.municipalityId, prefix],
    );
    if (d.audience === 'management') return rows;
    return rows.filter((u) => u.kind === 'administration' && !rows.some((a) => a.kind === 'administration' && a.id !== u.id && u.path.startsWith(a.path)));
  }

  /** Methods shown: the scope's method, or every method with interventions in the scope and period. */
  private reportedMethods(d: ReportDefinition, figures: ScopedFigure[], periodKey: string): string[] {
    if (d.scopeKind === 'method') return [d.scopeId];
    const main = mainScopeKey(d);
    const ids = figures.filter((f) => f.scopeKey === main && f.periodKey === periodKey && f.figure === 'episodes' && f.subject !== '*' && f.breakdownKey === 'all');
    return [...new Set(ids.map((f) => f.subject))].sort();
  }

  private async instruments(m: Db, ids: string[]): Promise<Map<string, SourceInstrument>> {
    if (ids.length === 0) return new Map();
    const rows: { id: string; code: string; definition: Record<string, any> }[] = await m.query(
      `SELECT i.id, i.code, v.definition FROM instrument i
         JOIN LATERAL (SELECT definition FROM instrument_version WHERE instrument_id = i.id ORDER BY version DESC LIMIT 1) v ON true
        WHERE i.id = ANY($1) ORDER BY i.code, i.id`,
      [ids],
    );
    const text = (t: any, fallback: string) => ({ sv: String(t?.sv ?? fallback), en: String(t?.en ?? t?.sv ?? fallback) });
    return new Map(
      rows.map((r) => [
        r.id,
        {
          id: r.id,
          code: r.code,
          name: text(r.definition.name, r.code),
          purpose: String(r.definition.purpose ?? 'outcome'),
          scales: (r.definition.scales ?? []).map((s: any) => ({ id: s.id, name: text(s.name, s.id), bands: (s.bands ?? []).map((b: any) => text(b.label, '')) })),
          items: (r.definition.items ?? []).map((it: any) => ({
            id: it.id,
            text: text(it.text, it.id),
            options: (it.options ?? []).map((o: any) => ({ value: String(o.value), label: text(o.label, String(o.value)) })),
          })),
        },
      ]),
    );
  }
}

/** The aggregate scope key a definition reads its totals from. */
export function mainScopeKey(d: Pick<ReportDefinition, 'scopeKind' | 'scopeId' | 'municipalityId'>): string {
  if (d.scopeKind === 'municipality') return `municipality:${d.municipalityId}`;
  if (d.scopeKind === 'method') return `method:${d.scopeId}`;
  return `unit:${d.scopeId}`;
}
