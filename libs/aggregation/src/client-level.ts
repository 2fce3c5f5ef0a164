import type { EntityManager } from 'typeorm';
import { ageBandSql } from './periods.js';
import { bandSql, isCaseSql } from './rules.js';

/** Where a computation writes: the real aggregate tables, or scratch copies for aggregates:check. */
export interface AggregateTables {
  clientScale: string;
  clientEpisode: string;
  cell: string;
  figure: string;
}

export const AGGREGATE_TABLES: AggregateTables = {
  clientScale: 'aggregate_client_scale',
  clientEpisode: 'aggregate_client_episode',
  cell: 'aggregate_cell',
  figure: 'aggregate_figure',
};

/** Who and where an episode is: carried by both level-1 tables. */
const EPISODE_ATTRIBUTES = 'municipality_id client_id org_unit_id method_id sex age_band'.split(' ');

/** Level-1 columns (computed_at aside): what a rebuild compares and aggregates:check reports. */
export const CLIENT_SCALE_KEY = ['episode_id', 'instrument_id', 'scale_id'];
export const CLIENT_SCALE_COLUMNS = [
  ...CLIENT_SCALE_KEY,
  ...EPISODE_ATTRIBUTES,
  ...'rules_version_id direction baseline baseline_on baseline_band latest latest_on latest_kind change rci category'.split(' '),
  ...'case_at_baseline case_at_latest recovered reliably_recovered anchor_on'.split(' '),
];
export const CLIENT_EPISODE_KEY = ['episode_id'];
export const CLIENT_EPISODE_COLUMNS = [
  ...CLIENT_EPISODE_KEY,
  ...EPISODE_ATTRIBUTES,
  ...'start_date close_date n_goals n_goals_measurable n_goals_assessed n_goals_attained gas_t goals_assessed_on has_baseline has_pair'.split(
    ' ',
  ),
  // The cell inputs (cells.ts).
  ...'group_ids group_from group_to sc_subject sc_occ sc_on sc_score sc_band sc_case oc_due oc_on_time oc_done an_subject an_answer an_on'.split(
    ' ',
  ),
];

/** Which episodes a level-1 recompute covers; fills the temporary table agg_ep. */
export type EpisodeSelection =
  { kind: 'municipality'; municipalityId: string } | { kind: 'clients'; municipalityId: string; clientIds: readonly string[] };

async function selectEpisodes(m: EntityManager, sel: EpisodeSelection): Promise<void> {
  await m.query(`CREATE TEMP TABLE IF NOT EXISTS agg_ep (id uuid PRIMARY KEY) ON COMMIT DROP; TRUNCATE agg_ep;`);
  if (sel.kind === 'municipality') {
    await m.query(`INSERT INTO agg_ep SELECT id FROM episode WHERE municipality_id = $1`, [sel.municipalityId]);
  } else {
    await m.query(`INSERT INTO agg_ep SELECT id FROM episode WHERE municipality_id = $1 AND client_id = ANY($2)`, [
      sel.municipalityId,
      sel.clientIds,
    ]);
  }
  await m.query(`ANALYZE agg_ep`);
}

/**
 * Level 1, recomputed (never incremented) for the selected episodes: per episode and outcome scale the baseline
 * (the start occasion's valid score of the current response revision), the latest (the close occasion's valid score
 * if present, else the most recent later valid score), change, RCI, category (classifyChange), caseness at both
 * (isCase with the sex-specific cut-off where the definition has one), recovered and reliably recovered
 * (classifyRecovery); and per episode its goals and GAS T-score (gasTScore). Rules come from agg_rule (loadRules).
 */
export async function recomputeClientLevel(m: EntityManager, sel: EpisodeSelection, t: AggregateTables = AGGREGATE_TABLES): Promise<void> {
  await selectEpisodes(m, sel);
  if (sel.kind === 'municipality') {
    await m.query(`DELETE FROM ${t.clientScale} WHERE municipality_id = $1`, [sel.municipalityId]);
    await m.query(`DELETE FROM ${t.clientEpisode} WHERE municipality_id = $1`, [sel.municipalityId]);
  } else {
    // Also rows of episodes the clients no longer have (deleted or moved to another client).
    await m.query(`DELETE FROM ${t.clientScale} WHERE client_id = ANY($1)`, [sel.clientIds]);
    await m.query(`DELETE FROM ${t.clientEpisode} WHERE client_id = ANY($1)`, [sel.clientIds]);
    await m.query(`DELETE FROM ${t.clientScale} WHERE episode_id IN (SELECT id FROM agg_ep)`);
    await m.query(`DELETE FROM ${t.clientEpisode} WHERE episode_id IN (SELECT id FROM agg_ep)`);
  }

  // Scores, baselines and latests in temporary tables with statistics, so the planner joins them by hash whatever the size.
  await m.query(`DROP TABLE IF EXISTS agg_sc, agg_base, agg_lat`);
  await m.query(`
    CREATE TEMP TABLE agg_sc ON COMMIT DROP AS
    SELECT r.episode_id, r.instrument_id, s.scale_id, s.raw AS score, r.answered_on, o.kind, o.seq, r.recorded_at, r.id AS response_id,
           ru.purpose = 'outcome' AS outcome
      FROM agg_ep a
      JOIN response r ON r.episode_id = a.id AND r.is_current
      JOIN occasion o ON o.id = r.occasion_id
      JOIN scale_score s ON s.response_id = r.id AND s.valid
      JOIN agg_rule ru ON ru.instrument_id = r.instrument_id AND ru.scale_id = s.scale_id`);
  await m.query(`ANALYZE agg_sc`);
  await m.query(`
    CREATE TEMP TABLE agg_base ON COMMIT DROP AS
    SELECT DISTINCT ON (episode_id, instrument_id, scale_id) episode_id, instrument_id, scale_id, score, answered_on
      FROM agg_sc WHERE kind = 'start' AND outcome
     ORDER BY episode_id, instrument_id, scale_id, answered_on, recorded_at DESC, response_id`);
  await m.query(`ANALYZE agg_base`);
  await m.query(`
    CREATE TEMP TABLE agg_lat ON COMMIT DROP AS
    SELECT DISTINCT ON (sc.episode_id, sc.instrument_id, sc.scale_id) sc.episode_id, sc.instrument_id, sc.scale_id, sc.score, sc.answered_on, sc.kind
      FROM agg_sc sc LEFT JOIN agg_base b USING (episode_id, instrument_id, scale_id)
     WHERE sc.kind <> 'start' AND sc.outcome AND (b.answered_on IS NULL OR sc.answered_on >= b.answered_on)
     ORDER BY sc.episode_id, sc.instrument_id, sc.scale_id, (sc.kind = 'close') DESC, sc.answered_on DESC, sc.recorded_at DESC, sc.response_id`);
  await m.query(`ANALYZE agg_lat`);
  await m.query(`DROP TABLE IF EXISTS agg_epi`);
  await m.query(`
    CREATE TEMP TABLE agg_epi ON COMMIT DROP AS
    SELECT e.id AS ep_id, e.municipality_id, e.client_id, e.org_unit_id, e.method_id, c.sex, ${ageBandSql('e.start_date', 'c.birth_year')} AS age_band
      FROM agg_ep a JOIN episode e ON e.id = a.id JOIN client c ON c.id = e.client_id`);
  await m.query(`ANALYZE agg_epi`);

  await m.query(`
    INSERT INTO ${t.clientScale} (episode_id, instrument_id, scale_id, municipality_id, client_id, org_unit_id, method_id, sex, age_band,
      rules_version_id, direction, baseline, baseline_on, baseline_band, latest, latest_on, latest_kind, change, rci, category,
      case_at_baseline, case_at_latest, recovered, reliably_recovered, anchor_on, computed_at)
    WITH bl AS (
      -- Every episode-scale with a baseline, a latest or both: one full join instead of a key union and two lookups.
      SELECT coalesce(b.episode_id, l.episode_id) AS episode_id, coalesce(b.instrument_id, l.instrument_id) AS instrument_id,
             coalesce(b.scale_id, l.scale_id) AS scale_id, b.score AS baseline, b.answered_on AS baseline_on,
             l.score AS latest, l.answered_on AS latest_on, l.kind AS latest_kind
        FROM agg_base b FULL JOIN agg_lat l ON l.episode_id = b.episode_id AND l.instrument_id = b.instrument_id AND l.scale_id = b.scale_id
    ), j AS (
      SELECT k.episode_id, k.instrument_id, k.scale_id, e.municipality_id, e.client_id, e.org_unit_id, e.method_id, e.sex, e.age_band,
             ru.version_id, ru.direction, ru.crit_kind, ru.points, ru.sdiff, ru.z, ru.cut_value, ru.cut_female, ru.cut_male, ru.cut_inclusive,
             ru.band_lo, ru.band_last_hi, k.baseline, k.baseline_on, k.latest, k.latest_on, k.latest_kind,
             (k.latest::float8 - k.baseline::float8) AS d
        FROM bl k JOIN agg_epi e ON e.ep_id = k.episode_id
        JOIN agg_rule ru ON ru.instrument_id = k.instrument_id AND ru.scale_id = k.scale_id
    ), c AS (
      SELECT j.*,
             CASE WHEN j.crit_kind = 'rci' THEN j.d / j.sdiff END AS rci,
             CASE WHEN j.d IS NULL OR j.crit_kind IS NULL THEN NULL
                  WHEN NOT (CASE WHEN j.crit_kind = 'rci' THEN abs(j.d / j.sdiff) > j.z ELSE abs(j.d) >= j.points END) THEN 'no_reliable_change'
                  WHEN (CASE WHEN j.direction = 'higher_is_better' THEN j.d ELSE -j.d END) > 0 THEN 'reliably_improved'
                  ELSE 'reliably_deteriorated' END AS category,
             ${isCaseSql('j.baseline::float8', 'j', 'j.sex')} AS case_b,
             ${isCaseSql('j.latest::float8', 'j', 'j.sex')} AS case_l
        FROM j
    ), f AS (
      SELECT c.*, CASE WHEN c.latest IS NULL OR c.baseline IS NULL OR c.case_b IS NULL OR c.case_l IS NULL OR NOT c.case_b THEN NULL
                       ELSE NOT c.case_l END AS recovered
        FROM c
    )
    SELECT episode_id, instrument_id, scale_id, municipality_id, client_id, org_unit_id, method_id, sex, age_band, version_id, direction,
           baseline, baseline_on, CASE WHEN baseline IS NOT NULL THEN ${bandSql('f.baseline::float8', 'f')} END,
           latest, latest_on, latest_kind, latest - baseline, rci::numeric, category,
           CASE WHEN baseline IS NOT NULL THEN case_b END, CASE WHEN latest IS NOT NULL THEN case_l END,
           recovered, CASE WHEN recovered IS NULL THEN NULL ELSE recovered AND category IS NOT DISTINCT FROM 'reliably_improved' END,
           coalesce(latest_on, baseline_on), now()
      FROM f`);

  await m.query(`
    INSERT INTO ${t.clientEpisode} (episode_id, municipality_id, client_id, org_unit_id, method_id, sex, age_band, start_date, close_date,
      n_goals, n_goals_measurable, n_goals_assessed, n_goals_attained, gas_t, goals_assessed_on, has_baseline, has_pair, computed_at,
      group_ids, group_from, group_to, sc_subject, sc_occ, sc_on, sc_score, sc_band, sc_case, oc_due, oc_on_time, oc_done, an_subject, an_answer, an_on)
    -- Arrays in a fixed order (presorted input: one sort per kind instead of one per array), so a client's
    -- recompute and a rebuild produce identical rows.
    WITH sc AS (
      SELECT episode_id, array_agg(subj) AS subj, array_agg(occ) AS occ, array_agg(on_) AS on_, array_agg(score) AS score,
             array_agg(band) AS band, array_agg(is_case) AS is_case
        FROM (SELECT sc.episode_id, sc.instrument_id || '/' || sc.scale_id AS subj,
                     CASE sc.kind WHEN 'follow_up' THEN 'follow_up:' || sc.seq ELSE sc.kind END AS occ, sc.answered_on AS on_, sc.score,
                     ${bandSql('sc.score::float8', 'ru')} AS band, ${isCaseSql('sc.score::float8', 'ru', 'e.sex')} AS is_case
                FROM agg_sc sc JOIN agg_rule ru USING (instrument_id, scale_id) JOIN agg_epi e ON e.ep_id = sc.episode_id
               ORDER BY sc.episode_id, sc.answered_on, sc.instrument_id, sc.scale_id, sc.response_id) s
       GROUP BY episode_id
    ), oc AS (
      SELECT episode_id, array_agg(due) AS due, array_agg(on_time) AS on_time, array_agg(done) AS done
        FROM (SELECT o.episode_id, o.due_date AS due, o.state = 'done' AND o.done_on BETWEEN o.window_start AND o.window_end AS on_time, o.state = 'done' AS done
                FROM agg_ep a JOIN occasion o ON o.episode_id = a.id AND o.kind <> 'extra' AND o.state <> 'cancelled'
               ORDER BY o.episode_id, o.due_date, o.id) s
       GROUP BY episode_id
    ), an AS (
      SELECT episode_id, array_agg(subj) AS subj, array_agg(answer) AS answer, array_agg(on_) AS on_
        FROM (SELECT r.episode_id, r.instrument_id || '/' || x.item_id AS subj, coalesce(x.value_numeric::text, 'text') AS answer, r.answered_on AS on_
                FROM agg_ep a JOIN response r ON r.episode_id = a.id AND r.is_current
                JOIN agg_instrument ai ON ai.instrument_id = r.instrument_id AND ai.purpose = 'client_experience'
                JOIN response_answer x ON x.response_id = r.id AND (x.value_numeric IS NOT NULL OR x.value_text IS NOT NULL)
               ORDER BY r.episode_id, r.answered_on, r.id, x.item_id) s
       GROUP BY episode_id
    ), gm AS (
      SELECT gm.episode_id, array_agg(gm.group_id ORDER BY gm.group_id) AS ids, array_agg(gm.joined_on ORDER BY gm.group_id) AS from_,
             array_agg(gm.left_on ORDER BY gm.group_id) AS to_
        FROM agg_ep a JOIN group_membership gm ON gm.episode_id = a.id GROUP BY gm.episode_id
    ), la AS (
      SELECT DISTINCT ON (ga.goal_id) ga.goal_id, ga.gas_level, ga.achieved, ga.recorded_at
        FROM agg_ep a JOIN goal g ON g.episode_id = a.id JOIN goal_attainment ga ON ga.goal_id = g.id JOIN occasion o ON o.id = ga.occasion_id
       ORDER BY ga.goal_id, o.due_date DESC, ga.recorded_at DESC
    ), gx AS (
      SELECT g.episode_id, g.scale_id, g.gas_levels, g.gas_weight::float8 AS w, la.gas_level::float8 AS x, la.recorded_at, s.latest_on,
             coalesce(la.achieved, CASE WHEN la.gas_level IS NOT NULL THEN la.gas_level >= 0 END,
                      CASE WHEN g.target_value IS NOT NULL AND s.latest IS NOT NULL THEN
                        CASE WHEN s.direction = 'higher_is_better' THEN s.latest >= g.target_value ELSE s.latest <= g.target_value END END) AS att
        FROM agg_ep a JOIN goal g ON g.episode_id = a.id
        LEFT JOIN la ON la.goal_id = g.id
        LEFT JOIN ${t.clientScale} s ON s.episode_id = g.episode_id AND s.instrument_id = g.instrument_id AND s.scale_id = g.scale_id
    ), gs AS (
      SELECT episode_id, count(*)::int AS n_goals,
             count(*) FILTER (WHERE scale_id IS NOT NULL OR gas_levels IS NOT NULL)::int AS n_measurable,
             count(att)::int AS n_assessed, count(*) FILTER (WHERE att)::int AS n_attained,
             CASE WHEN count(x) > 0 THEN 50 + (10 * sum(w * x)) / sqrt((1 - 0.3::float8) * sum(w * w) FILTER (WHERE x IS NOT NULL)
                                                                      + 0.3::float8 * sum(w) FILTER (WHERE x IS NOT NULL) * sum(w) FILTER (WHERE x IS NOT NULL)) END AS gas_t,
             coalesce(max(recorded_at)::date, max(latest_on) FILTER (WHERE att IS NOT NULL)) AS assessed_on
        FROM gx GROUP BY episode_id
    )
    SELECT e.id, e.municipality_id, e.client_id, e.org_unit_id, e.method_id, c.sex, ${ageBandSql('e.start_date', 'c.birth_year')},
           e.start_date, e.close_date, coalesce(gs.n_goals, 0), coalesce(gs.n_measurable, 0), coalesce(gs.n_assessed, 0), coalesce(gs.n_attained, 0),
           gs.gas_t::numeric, gs.assessed_on,
           EXISTS (SELECT 1 FROM ${t.clientScale} s WHERE s.episode_id = e.id AND s.baseline IS NOT NULL),
           EXISTS (SELECT 1 FROM ${t.clientScale} s WHERE s.episode_id = e.id AND s.baseline IS NOT NULL AND s.latest IS NOT NULL),
           now(), coalesce(gm.ids, '{}'), coalesce(gm.from_, '{}'), coalesce(gm.to_, '{}'), coalesce(sc.subj, '{}'), coalesce(sc.occ, '{}'), coalesce(sc.on_, '{}'), coalesce(sc.score, '{}'),
           coalesce(sc.band, '{}'), coalesce(sc.is_case, '{}'), coalesce(oc.due, '{}'), coalesce(oc.on_time, '{}'), coalesce(oc.done, '{}'),
           coalesce(an.subj, '{}'), coalesce(an.answer, '{}'), coalesce(an.on_, '{}')
      FROM agg_ep a JOIN episode e ON e.id = a.id JOIN client c ON c.id = e.client_id LEFT JOIN gs ON gs.episode_id = e.id
      LEFT JOIN sc ON sc.episode_id = e.id LEFT JOIN oc ON oc.episode_id = e.id LEFT JOIN an ON an.episode_id = e.id LEFT JOIN gm ON gm.episode_id = e.id`);
}
