import type { DataSource, EntityManager } from 'typeorm';
import { type EpisodeCountRow, linkedEpisodeCounts, type LinkedEpisodeCounts } from './disclosure.js';
import type { DisclosureFigureRow } from './scope-disclosure.js';

/**
 * Reads for the politicians' linked solve of episode counts (docs/aggregation.md, "Suppression across scopes"). The
 * API's views and the report generator both read through here, so they solve the same counts the same way.
 */
export class LinkedCountsReader {
  constructor(private readonly db: DataSource | EntityManager) {}

  /**
   * The stored `episodes` figures the solve reads, for the periods asked for: the municipality's and every
   * administration's per-method counts (breakdown `all`) and totals by cell, and every method page's totals by cell.
   * Explicit SQL over the primary key (scope_key = ANY): one query instead of one per scope.
   */
  async read(
    municipalityId: string,
    periods: readonly string[],
  ): Promise<{ administrations: { id: string; path: string }[]; rows: (EpisodeCountRow & { periodKey: string })[] }> {
    const administrations: { id: string; path: string }[] = await this.db.query(
      `SELECT id, path FROM org_unit WHERE municipality_id = $1 AND kind = 'administration' ORDER BY path, id`,
      [municipalityId],
    );
    const methods: { id: string }[] = await this.db.query(`SELECT id FROM method WHERE municipality_id = $1 ORDER BY id`, [municipalityId]);
    const scopeKeys = [
      `municipality:${municipalityId}`,
      ...administrations.map((a) => `unit:${a.id}`),
      ...methods.map((m) => `method:${m.id}`),
    ];
    const rows: (EpisodeCountRow & { periodKey: string })[] = await this.db.query(
      `SELECT scope_key AS "scopeKey", period_key AS "periodKey", breakdown_key AS "breakdownKey", subject, stats FROM aggregate_figure
        WHERE scope_key = ANY($1) AND period_key = ANY($2) AND figure = 'episodes' AND (breakdown_key = 'all' OR subject = '*')
        ORDER BY scope_key, period_key, subject, breakdown_key`,
      [scopeKeys, [...periods]],
    );
    return { administrations, rows };
  }

  /** The linked solution of each period: which per-method and breakdown counts politicians see as "..". */
  async solve(municipalityId: string, periods: readonly string[], k: number): Promise<Map<string, LinkedEpisodeCounts>> {
    const { administrations, rows } = await this.read(municipalityId, periods);
    return new Map(
      periods.map((p) => [
        p,
        linkedEpisodeCounts(
          municipalityId,
          administrations,
          rows.filter((r) => r.periodKey === p),
          k,
        ),
      ]),
    );
  }
}

/** Reads for a trend's suppression: each period's `all` point is solved with that period's breakdown cells. */
export class BreakdownCellsReader {
  constructor(private readonly db: DataSource | EntityManager) {}

  /**
   * Every stored cell (all, sex, age) of one figure subject of a scope over every period: the outcome `<instrument>/<scale>`
   * and its occasions `<instrument>/<scale>/<occasion>`. Explicit SQL on the primary key's scope prefix, one query.
   */
  async listSubjectCells(
    scopeKey: string,
    figure: 'outcome' | 'occasion',
    subjectPrefix: string,
  ): Promise<(DisclosureFigureRow & { periodKey: string })[]> {
    return this.db.query(
      `SELECT period_key AS "periodKey", breakdown_key AS "breakdownKey", figure, subject, stats FROM aggregate_figure
        WHERE scope_key = $1 AND figure = $2 AND (subject = $3 OR subject LIKE $3 || '/%')
        ORDER BY period_key, subject, breakdown_key`,
      [scopeKey, figure, subjectPrefix],
    );
  }
}
