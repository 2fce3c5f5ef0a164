import { invalid } from '#domain';
import { type Direction } from './direction.js';
import { type CaseCutoff, isCase } from './clinical-significance.js';
import { type Share, share } from './descriptive.js';
import {
  type ChangeCategory,
  type ChangeClassification,
  type ChangeCriterion,
  classifyChange,
} from './reliable-change.js';

/** One measure of a profile: which scale, its better direction, its caseness cut-off and its reliable-change rule. */
export interface ProfileMeasure {
  /** Scale key as instruments name it, e.g. `phq9.total`. */
  readonly id: string;
  readonly direction: Direction;
  readonly cutoff: Readonly<CaseCutoff>;
  readonly criterion: Readonly<ChangeCriterion>;
}

/**
 * Measures read together as one outcome (usually a pair, e.g. PHQ-9 with GAD-7). The combination rules are fixed
 * (see `evaluateProfile`); which measures, cut-offs and criteria take part is data.
 */
export interface OutcomeProfile {
  readonly id: string;
  /** Where the cut-offs and thresholds come from, shown beside the figures. */
  readonly source: string;
  readonly measures: readonly ProfileMeasure[];
}

export interface ProfileClient {
  id: string;
  /** Baseline and latest valid score per measure id; a missing or null score makes the client incomplete. */
  scores: Readonly<Record<string, { baseline: number | null; latest: number | null } | undefined>>;
}

export interface MeasureOutcome extends ChangeClassification {
  baseline: number;
  latest: number;
  caseAtBaseline: boolean;
  caseAtLatest: boolean;
}

export type ProfileClientOutcome =
  | { id: string; complete: false; missing: string[] }
  | {
      id: string;
      complete: true;
      measures: Record<string, MeasureOutcome>;
      caseAtBaseline: boolean;
      /** Null when not a case at baseline: such clients are outside the recovery denominator. */
      recovered: boolean | null;
      category: ChangeCategory;
      reliablyRecovered: boolean | null;
    };

export interface ProfileCohort {
  /** Every client passed in. */
  nClients: number;
  /** Clients with baseline and latest on every measure; the denominator of the change shares. */
  n: number;
  completeness: Share;
  casesAtBaseline: Share;
  /** Denominator: cases at baseline. */
  recovered: Share;
  reliablyImproved: Share;
  noReliableChange: Share;
  reliablyDeteriorated: Share;
  /** Denominator: cases at baseline. */
  reliablyRecovered: Share;
}

/**
 * Classifies each client on a multi-measure profile and counts the cohort, with these rules:
 * - caseness = a case on ANY measure at baseline;
 * - recovery = among cases, a case on NO measure at latest;
 * - reliable improvement = reliably improved on at least one measure and reliably deteriorated on none;
 * - reliable deterioration = reliably deteriorated on at least one measure (even if another improved);
 * - reliable recovery = recovery AND reliable improvement.
 * Change shares use complete clients as denominator; recovery shares use cases at baseline.
 *
 * Source: NHS England, The NHS Talking Therapies for Anxiety and Depression Manual (definitions of caseness, recovery,
 * reliable improvement, reliable deterioration and reliable recovery on paired PHQ-9 and anxiety measures);
 * Jacobson & Truax (1991), J Consult Clin Psychol 59(1), 12–19 for the single-measure concepts.
 */
export function evaluateProfile(
  profile: OutcomeProfile,
  clients: readonly ProfileClient[],
): { clients: ProfileClientOutcome[]; cohort: ProfileCohort } {
  assertProfile(profile);
  const outcomes = clients.map((client) => evaluateClient(profile, client));

  let n = 0;
  let cases = 0;
  let recovered = 0;
  let improved = 0;
  let unchanged = 0;
  let deteriorated = 0;
  let reliablyRecovered = 0;
  for (const o of outcomes) {
    if (!o.complete) continue;
    n++;
    if (o.caseAtBaseline) cases++;
    if (o.recovered) recovered++;
    if (o.reliablyRecovered) reliablyRecovered++;
    if (o.category === 'reliably_improved') improved++;
    else if (o.category === 'reliably_deteriorated') deteriorated++;
    else unchanged++;
  }

  return {
    clients: outcomes,
    cohort: {
      nClients: clients.length,
      n,
      completeness: share(n, clients.length),
      casesAtBaseline: share(cases, n),
      recovered: share(recovered, cases),
      reliablyImproved: share(improved, n),
      noReliableChange: share(unchanged, n),
      reliablyDeteriorated: share(deteriorated, n),
      reliablyRecovered: share(reliablyRecovered, cases),
    },
  };
}

function evaluateClient(profile: OutcomeProfile, client: ProfileClient): ProfileClientOutcome {
  const missing = profile.measures
    .filter((m) => {
      const s = client.scores[m.id];
      return s?.baseline == null || s.latest == null;
    })
    .map((m) => m.id);
  if (missing.length > 0) return { id: client.id, complete: false, missing };

  const measures: Record<string, MeasureOutcome> = {};
  for (const m of profile.measures) {
    const { baseline, latest } = client.scores[m.id] as { baseline: number; latest: number };
    measures[m.id] = {
      baseline,
      latest,
      caseAtBaseline: isCase(baseline, m.cutoff.value, m.direction, m.cutoff),
      caseAtLatest: isCase(latest, m.cutoff.value, m.direction, m.cutoff),
      ...classifyChange({ baseline, latest, direction: m.direction, criterion: m.criterion }),
    };
  }

  const all = Object.values(measures);
  const caseAtBaseline = all.some((m) => m.caseAtBaseline);
  const anyDeteriorated = all.some((m) => m.category === 'reliably_deteriorated');
  const anyImproved = all.some((m) => m.category === 'reliably_improved');
  const category: ChangeCategory = anyDeteriorated
    ? 'reliably_deteriorated'
    : anyImproved
      ? 'reliably_improved'
      : 'no_reliable_change';
  const recovered = caseAtBaseline ? all.every((m) => !m.caseAtLatest) : null;
  const reliablyRecovered = recovered === null ? null : recovered && category === 'reliably_improved';
  return { id: client.id, complete: true, measures, caseAtBaseline, recovered, category, reliablyRecovered };
}

function assertProfile(profile: OutcomeProfile): void {
  const ids = profile.measures.map((m) => m.id);
  if (ids.length === 0 || new Set(ids).size !== ids.length) {
    throw invalid(
      'PROFILE.INVALID_MEASURES',
      'En profil behöver minst ett mått, och varje mått får bara förekomma en gång.',
      'A profile needs at least one measure, and each measure may appear only once.',
      [{ field: 'measures', sv: 'Tom lista eller dubbletter.', en: 'Empty list or duplicates.' }],
    );
  }
}
