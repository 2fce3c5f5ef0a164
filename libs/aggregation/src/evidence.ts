import type { EntityManager } from 'typeorm';
import { type Share, share } from '#statistics';
import { periodRange, ROLLING_12 } from './periods.js';

export type EvidenceAnswer = 'ja' | 'delvis' | 'nej';

/** Elements 10 (Monitorering) and 11 (Uppföljning) of the 11-element model, as DOMAIN.md lists them. */
export const EVIDENCE_QUESTIONS = [
  {
    element: 10,
    question: 1,
    sv: 'Mäter metoden brukarens utveckling mot de mål som satts?',
    en: "Does the method measure the client's development against the goals set?",
  },
  {
    element: 10,
    question: 2,
    sv: 'Mäts utvecklingen över tid – före, under, efter?',
    en: 'Is the development measured over time — before, during, after?',
  },
  {
    element: 10,
    question: 3,
    sv: 'Finns fasta rutiner för hur mätningen görs?',
    en: 'Are there fixed procedures for how measurement is done?',
  },
  { element: 10, question: 4, sv: 'Används ett dokumentationsverktyg eller IT-system?', en: 'Is a documentation tool or IT system used?' },
  { element: 10, question: 5, sv: 'Finns fasta rutiner för hur ofta?', en: 'Are there fixed procedures for how often?' },
  {
    element: 10,
    question: 6,
    sv: 'Jämförs mätningarna mellan brukare till en samlad bild?',
    en: 'Are measurements compared across clients for an aggregated picture?',
  },
  { element: 10, question: 7, sv: 'Rapporteras den samlade bilden?', en: 'Is the aggregated picture reported?' },
  {
    element: 11,
    question: 1,
    sv: 'Diskuteras mätningen med brukaren och/eller närstående?',
    en: 'Is the measurement discussed with the client and/or relatives?',
  },
  {
    element: 11,
    question: 2,
    sv: 'Diskuteras den på formella personalmöten eller temadagar?',
    en: 'Is it discussed at formal staff meetings or theme days?',
  },
  {
    element: 11,
    question: 3,
    sv: 'Justeras insatsen när mätningen visar att något bör ändras?',
    en: 'Is the intervention adjusted when the measurement says something should change?',
  },
  {
    element: 11,
    question: 4,
    sv: 'Finns fasta rutiner för att justera brukarens insats?',
    en: "Are there fixed procedures for adjusting the client's course?",
  },
  {
    element: 11,
    question: 5,
    sv: 'Justeras metoden när samlade data visar det?',
    en: 'Is the method adjusted when aggregated data say so?',
  },
  {
    element: 11,
    question: 6,
    sv: 'Finns fasta rutiner för att justera metoden?',
    en: 'Are there fixed procedures for adjusting the method?',
  },
  {
    element: 11,
    question: 7,
    sv: 'Diskuteras samlade mätningar med relevanta samarbetspartner?',
    en: 'Are aggregated measurements discussed with relevant partners?',
  },
] as const;

export interface EvidenceFromData {
  element: number;
  question: number;
  /** null: data cannot answer (a hand answer is needed). */
  answer: EvidenceAnswer | null;
  figure: { share?: Share; count?: number; value?: string | number | boolean | null; computedAt?: string | null } | null;
  basis: { sv: string; en: string };
}

export interface EvidenceContext {
  municipalityId: string;
  methodId: string;
  /** Unit subtree (materialized path); null = the method across the municipality. */
  unitPath: string | null;
  unitId: string | null;
  reference: string;
  yes: number;
  partly: number;
}

function byShare(s: Share, c: EvidenceContext): EvidenceAnswer | null {
  if (s.value === null) return null;
  return s.value >= c.yes ? 'ja' : s.value >= c.partly ? 'delvis' : 'nej';
}

/**
 * Answers the questions of elements 10 and 11 from data, for a method (optionally within a unit subtree) over the
 * rolling 12 months. Thresholds are the municipality's (default Ja ≥ 80 %, Delvis ≥ 50 %).
 */
export async function evidenceFromData(
  m: EntityManager,
  c: EvidenceContext,
): Promise<{ period: { key: string; from: string; to: string }; items: EvidenceFromData[] }> {
  const { from, to } = periodRange(ROLLING_12, c.reference);
  const unitLike = c.unitPath ? `${c.unitPath}%` : '%';
  const P = [c.municipalityId, c.methodId, unitLike, from, to];
  // Episodes of the method in scope, active in the period.
  const EP = `SELECT x.* FROM aggregate_client_episode x JOIN org_unit u ON u.id = x.org_unit_id
               WHERE x.municipality_id = $1 AND x.method_id = $2 AND u.path LIKE $3 AND x.start_date <= $5::date
                 AND (x.close_date IS NULL OR x.close_date >= $4::date)`;
  const [ep] = await m.query(
    `WITH ep AS (${EP})
     SELECT count(*)::int AS n, count(*) FILTER (WHERE n_goals_measurable > 0)::int AS with_goal,
            count(*) FILTER (WHERE close_date IS NOT NULL OR start_date + interval '6 months' <= $5::date)::int AS eligible,
            count(*) FILTER (WHERE has_pair AND (close_date IS NOT NULL OR start_date + interval '6 months' <= $5::date))::int AS paired,
            count(*) FILTER (WHERE EXISTS (SELECT 1 FROM aggregate_client_scale s WHERE s.episode_id = ep.episode_id
                                             AND s.category IN ('no_reliable_change', 'reliably_deteriorated')))::int AS not_improved,
            count(*) FILTER (WHERE EXISTS (SELECT 1 FROM aggregate_client_scale s WHERE s.episode_id = ep.episode_id
                                             AND s.category IN ('no_reliable_change', 'reliably_deteriorated'))
                               AND EXISTS (SELECT 1 FROM occasion o JOIN follow_up_note fn ON fn.occasion_id = o.id AND fn.kind = 'adjustment_decision'
                                            WHERE o.episode_id = ep.episode_id))::int AS not_improved_adjusted
       FROM ep`,
    P,
  );
  const [occ] = await m.query(
    `WITH ep AS (${EP}), o AS (SELECT o.* FROM occasion o JOIN ep ON ep.episode_id = o.episode_id WHERE o.kind <> 'extra' AND o.state <> 'cancelled')
     SELECT (SELECT count(*) FROM o WHERE due_date BETWEEN $4::date AND LEAST($5::date, current_date))::int AS due,
            (SELECT count(*) FROM o WHERE due_date BETWEEN $4::date AND LEAST($5::date, current_date) AND state = 'done' AND done_on BETWEEN window_start AND window_end)::int AS on_time,
            (SELECT count(*) FROM o WHERE state = 'done' AND done_on BETWEEN $4::date AND $5::date)::int AS done,
            (SELECT count(*) FROM o WHERE state = 'done' AND done_on BETWEEN $4::date AND $5::date AND EXISTS (SELECT 1 FROM response r WHERE r.occasion_id = o.id AND r.is_current))::int AS recorded,
            (SELECT count(*) FROM o WHERE state = 'done' AND done_on BETWEEN $4::date AND $5::date
               AND EXISTS (SELECT 1 FROM follow_up_note fn WHERE fn.occasion_id = o.id AND fn.kind = 'discussed_with_client'))::int AS discussed,
            (SELECT count(*) FROM o WHERE kind = 'follow_up' AND state = 'done' AND done_on BETWEEN $4::date AND $5::date)::int AS follow_ups,
            (SELECT count(*) FROM o WHERE kind = 'follow_up' AND state = 'done' AND done_on BETWEEN $4::date AND $5::date
               AND EXISTS (SELECT 1 FROM follow_up_note fn WHERE fn.occasion_id = o.id AND fn.kind = 'adjustment_decision'))::int AS decided`,
    P,
  );
  const notes: { kind: string; n: number }[] = await m.query(
    `SELECT fn.kind, count(*)::int AS n FROM follow_up_note fn
       LEFT JOIN org_unit u ON u.id = fn.org_unit_id
       LEFT JOIN occasion o ON o.id = fn.occasion_id
       LEFT JOIN episode e ON e.id = o.episode_id
       LEFT JOIN org_unit eu ON eu.id = e.org_unit_id
      WHERE fn.municipality_id = $1 AND fn.held_on BETWEEN $4::date AND $5::date
        AND ((fn.method_id = $2 AND (u.path IS NULL OR u.path LIKE $3))
             OR (e.method_id = $2 AND eu.path LIKE $3)
             OR (fn.method_id IS NULL AND fn.occasion_id IS NULL AND u.path LIKE $3 AND $3 <> '%'))
      GROUP BY fn.kind`,
    P,
  );
  const noteCount = (kind: string) => notes.find((n) => n.kind === kind)?.n ?? 0;
  const [plan] = await m.query(
    `SELECT p.interval_months, p.requires_adjustment_decision,
            (SELECT count(*) FROM measurement_plan_instrument i WHERE i.plan_id = p.id)::int AS instruments
       FROM measurement_plan p WHERE p.method_id = $1 ORDER BY p.version DESC LIMIT 1`,
    [c.methodId],
  );
  const scopeKey = c.unitId ? `unit:${c.unitId}` : `method:${c.methodId}`;
  const [state] = await m.query(
    `SELECT computed_at, requested_seq > computed_seq AS pending FROM aggregate_scope_state WHERE scope_key = $1`,
    [scopeKey],
  );

  const s1 = share(ep.with_goal, ep.n);
  const s2 = share(ep.paired, ep.eligible);
  const s4 = share(occ.recorded, occ.done);
  const s5 = share(occ.on_time, occ.due);
  const s11_1 = share(occ.discussed, occ.done);
  const s11_3 = share(ep.not_improved_adjusted, ep.not_improved);
  const s11_4 = share(occ.decided, occ.follow_ups);
  const countAnswer = (n: number, yesAt = 2): EvidenceAnswer => (n >= yesAt ? 'ja' : n >= 1 ? 'delvis' : 'nej');
  const item = (
    element: number,
    question: number,
    answer: EvidenceAnswer | null,
    figure: EvidenceFromData['figure'],
    sv: string,
    en: string,
  ): EvidenceFromData => ({
    element,
    question,
    answer,
    figure,
    basis: { sv, en },
  });
  const hasPlan = plan && plan.instruments > 0;
  return {
    period: { key: ROLLING_12, from, to },
    items: [
      item(
        10,
        1,
        byShare(s1, c),
        { share: s1 },
        'Andel insatser med mål kopplat till en mätt skala eller GAS.',
        'Share of episodes with a goal tied to a measured scale or a GAS scale.',
      ),
      item(
        10,
        2,
        byShare(s2, c),
        { share: s2 },
        'Andel insatser (minst 6 månader eller avslutade) med baslinje och senare mätning.',
        'Share of eligible episodes (6 months or closed) with a baseline and a later measurement.',
      ),
      item(
        10,
        3,
        hasPlan ? 'ja' : 'nej',
        { value: plan?.instruments ?? 0 },
        'Metoden har en mätplan med formulär.',
        'The method has a measurement plan with instruments.',
      ),
      item(
        10,
        4,
        byShare(s4, c),
        { share: s4 },
        'Andel genomförda mättillfällen med formulärsvar i Mätpunkt.',
        'Share of done occasions with a response recorded in the platform.',
      ),
      item(
        10,
        5,
        hasPlan ? byShare(s5, c) : 'nej',
        { share: s5, value: plan?.interval_months ?? null },
        'Mätplanens intervall; andel mättillfällen gjorda i tid av de som förfallit.',
        'Plan interval; share of due occasions done on time.',
      ),
      item(
        10,
        6,
        state?.computed_at ? (state.pending ? 'delvis' : 'ja') : 'nej',
        { computedAt: state?.computed_at ? new Date(state.computed_at).toISOString() : null },
        'Sammanställningarna är beräknade (och aktuella).',
        'The aggregates are computed (and current).',
      ),
      item(
        10,
        7,
        null,
        null,
        'Resultatrapporter finns inte i data än: besvaras för hand.',
        'Result reports are not in the data yet: answered by hand.',
      ),
      item(
        11,
        1,
        byShare(s11_1, c),
        { share: s11_1 },
        'Andel genomförda mättillfällen med anteckning om samtal med brukaren.',
        'Share of done occasions with a discussed-with-client note.',
      ),
      item(
        11,
        2,
        countAnswer(noteCount('staff_meeting')),
        { count: noteCount('staff_meeting') },
        'Personalmötesanteckningar senaste 12 månaderna (Ja ≥ 2).',
        'Staff-meeting notes in the last 12 months (Ja ≥ 2).',
      ),
      item(
        11,
        3,
        byShare(s11_3, c),
        { share: s11_3 },
        'Andel insatser utan förbättring eller med försämring som har ett justeringsbeslut.',
        'Share of no-change or worsening episodes with an adjustment decision.',
      ),
      item(
        11,
        4,
        plan?.requires_adjustment_decision ? byShare(s11_4, c) : 'nej',
        { share: s11_4, value: plan?.requires_adjustment_decision ?? false },
        'Planen kräver beslut efter varje uppföljning; andel uppföljningar med beslut.',
        'The plan demands a decision after each follow-up; share recorded.',
      ),
      item(
        11,
        5,
        countAnswer(noteCount('method_adjusted'), 1),
        { count: noteCount('method_adjusted') },
        'Anteckningar om metodjustering senaste 12 månaderna.',
        'Method-adjustment notes in the last 12 months.',
      ),
      item(
        11,
        6,
        countAnswer(noteCount('method_review')),
        { count: noteCount('method_review') },
        'Metodgenomgångar senaste 12 månaderna (Ja ≥ 2).',
        'Method reviews in the last 12 months (Ja ≥ 2).',
      ),
      item(
        11,
        7,
        countAnswer(noteCount('partner_discussion'), 1),
        { count: noteCount('partner_discussion') },
        'Anteckningar om samtal med samarbetspartner senaste 12 månaderna.',
        'Partner-discussion notes in the last 12 months.',
      ),
    ],
  };
}
