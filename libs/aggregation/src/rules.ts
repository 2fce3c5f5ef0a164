import type { EntityManager } from 'typeorm';
import type { InstrumentDefinition } from '#instruments';
import { DEFAULT_RCI_Z, standardErrorOfDifference } from '#statistics';

/** One scale's classification rules as SQL reads them (derived from the instrument's newest version). */
export interface ScaleRuleRow {
  instrument_id: string;
  version_id: string;
  scale_id: string;
  purpose: 'outcome' | 'client_experience';
  direction: 'higher_is_better' | 'higher_is_worse';
  crit_kind: 'rci' | 'threshold' | null;
  points: number | null;
  /** S_diff from the library (standardErrorOfDifference), so SQL divides by exactly the same double. */
  sdiff: number | null;
  z: number | null;
  cut_value: number | null;
  cut_female: number | null;
  cut_male: number | null;
  cut_inclusive: boolean | null;
  /** Lower bounds of the severity bands, ascending; null without bands. */
  band_lo: number[] | null;
  band_last_hi: number | null;
}

/** The rules of one definition, computed with the statistics library. */
export function rulesOf(instrumentId: string, versionId: string, def: InstrumentDefinition): ScaleRuleRow[] {
  const scales: ScaleRuleRow[] = [];
  for (const s of def.scales) {
    const rc = s.reliableChange;
    scales.push({
      instrument_id: instrumentId,
      version_id: versionId,
      scale_id: s.id,
      purpose: def.purpose ?? 'outcome',
      direction: s.direction,
      crit_kind: rc?.kind ?? null,
      points: rc?.kind === 'threshold' ? rc.points : null,
      sdiff: rc?.kind === 'rci' ? standardErrorOfDifference(rc.sdRef, rc.reliability) : null,
      z: rc?.kind === 'rci' ? (rc.z ?? DEFAULT_RCI_Z) : null,
      cut_value: s.cutoff && !s.cutoff.bySex ? (s.cutoff.value ?? null) : null,
      cut_female: s.cutoff?.bySex?.female ?? null,
      cut_male: s.cutoff?.bySex?.male ?? null,
      cut_inclusive: s.cutoff ? s.cutoff.inclusive : null,
      band_lo: s.bands?.length ? s.bands.map((b) => b.from) : null,
      band_last_hi: s.bands?.length ? s.bands[s.bands.length - 1]!.to : null,
    });
  }
  return scales;
}

const cache = new Map<string, ScaleRuleRow[]>();
const purposes = new Map<string, string>();

/**
 * Loads the rules of every instrument the municipality can use (built-ins and its own), from each instrument's
 * newest version, into the temporary table `agg_rule` of the current transaction. Versions are
 * immutable, so the parsed rules are cached by version id.
 */
export async function loadRules(m: EntityManager, municipalityId: string | null): Promise<ScaleRuleRow[]> {
  const versions: { instrument_id: string; version_id: string; definition?: InstrumentDefinition }[] = await m.query(
    `SELECT DISTINCT ON (i.id) i.id AS instrument_id, v.id AS version_id
       FROM instrument i JOIN instrument_version v ON v.instrument_id = i.id
      WHERE i.municipality_id IS NULL OR $1::uuid IS NULL OR i.municipality_id = $1
      ORDER BY i.id, v.version DESC`,
    [municipalityId],
  );
  const missing = versions.filter((v) => !cache.has(v.version_id)).map((v) => v.version_id);
  if (missing.length > 0) {
    const defs: { instrument_id: string; id: string; definition: InstrumentDefinition }[] = await m.query(
      `SELECT instrument_id, id, definition FROM instrument_version WHERE id = ANY($1)`,
      [missing],
    );
    for (const d of defs) {
      cache.set(d.id, rulesOf(d.instrument_id, d.id, d.definition));
      purposes.set(d.id, d.definition.purpose ?? 'outcome');
    }
  }
  const scales = versions.flatMap((v) => cache.get(v.version_id)!);
  await m.query(`
    CREATE TEMP TABLE IF NOT EXISTS agg_rule (instrument_id uuid, version_id uuid, scale_id text, purpose text, direction text,
      crit_kind text, points float8, sdiff float8, z float8, cut_value float8, cut_female float8, cut_male float8,
      cut_inclusive boolean, band_lo float8[], band_last_hi float8, PRIMARY KEY (instrument_id, scale_id)) ON COMMIT DROP;
    CREATE TEMP TABLE IF NOT EXISTS agg_instrument (instrument_id uuid PRIMARY KEY, version_id uuid, purpose text) ON COMMIT DROP;
    TRUNCATE agg_rule, agg_instrument;`);
  await m.query(
    `INSERT INTO agg_instrument SELECT * FROM jsonb_to_recordset($1::jsonb) AS x(instrument_id uuid, version_id uuid, purpose text)`,
    [
      JSON.stringify(
        versions.map((v) => ({
          instrument_id: v.instrument_id,
          version_id: v.version_id,
          purpose: purposes.get(v.version_id) ?? 'outcome',
        })),
      ),
    ],
  );
  await m.query(
    `INSERT INTO agg_rule SELECT * FROM jsonb_to_recordset($1::jsonb) AS x(instrument_id uuid, version_id uuid, scale_id text,
       purpose text, direction text, crit_kind text, points float8, sdiff float8, z float8, cut_value float8, cut_female float8,
       cut_male float8, cut_inclusive boolean, band_lo float8[], band_last_hi float8)`,
    [JSON.stringify(scales)],
  );
  await m.query(`ANALYZE agg_rule`);
  return scales;
}

/** SQL: the cut-off that applies to a client of sex `sex` (cutoffFor of #instruments), or NULL. */
export const CUTOFF_SQL = (r: string, sex: string) =>
  `(CASE WHEN ${r}.cut_female IS NOT NULL THEN CASE ${sex} WHEN 'female' THEN ${r}.cut_female WHEN 'male' THEN ${r}.cut_male END ELSE ${r}.cut_value END)`;

/** SQL: isCase of #statistics for a score, or NULL without an applicable cut-off. */
export function isCaseSql(score: string, r: string, sex: string): string {
  const cut = CUTOFF_SQL(r, sex);
  return `(CASE WHEN ${score} IS NULL OR ${cut} IS NULL THEN NULL WHEN ${score} = ${cut} THEN ${r}.cut_inclusive
                WHEN ${r}.direction = 'higher_is_worse' THEN ${score} > ${cut} ELSE ${score} < ${cut} END)`;
}

/**
 * SQL: findBand of #instruments as a band index. Bands are ascending and contiguous, so the band is the last one
 * starting at or below the score (width_bucket counts those), provided the score is not above the last band.
 */
export function bandSql(score: string, r: string): string {
  return `(CASE WHEN ${r}.band_lo IS NULL OR ${score} > ${r}.band_last_hi OR width_bucket(${score}, ${r}.band_lo) = 0 THEN NULL
                ELSE width_bucket(${score}, ${r}.band_lo) - 1 END)`;
}
