import { invalid } from '#domain';
import { type Direction } from './direction.js';
import { assertFinite, assertPositive } from './validation.js';
import { type ChangeClassification, type ChangeCriterion, classifyChange } from './reliable-change.js';

/** A clinical cut-off and whether a score exactly on it counts as a case. */
export interface CaseCutoff {
  value: number;
  /** true: a score equal to the cut-off is a case (PHQ-9 "≥ 10"); false: it must be beyond it ("> 10"). */
  inclusive: boolean;
}

export interface GroupNorm {
  mean: number;
  sd: number;
}

export interface ClinicalCutoffs {
  /** Two SDs of the clinical group beyond the clinical mean, toward the functional mean. */
  a: number;
  /** Two SDs of the functional group beyond the functional mean, toward the clinical mean. */
  b: number;
  /** The SD-weighted point between the two means; preferred when both norms exist. */
  c: number;
}

export interface RecoveryClassification {
  caseAtBaseline: boolean;
  caseAtLatest: boolean;
  /** Case at baseline and not at latest; null when the client was not a case at baseline (not in the denominator). */
  recovered: boolean | null;
  /** Recovered and reliably improved; null when the client was not a case at baseline. */
  reliablyRecovered: boolean | null;
  change: ChangeClassification;
}

/**
 * Jacobson & Truax's three cut-offs between a clinical and a functional (normal) population:
 * `a = M_clin ± 2·SD_clin`, `b = M_func ∓ 2·SD_func`, `c = (SD_clin·M_func + SD_func·M_clin) / (SD_clin + SD_func)`,
 * each signed toward the other group.
 *
 * Source: Jacobson, N. S. & Truax, P. (1991). Clinical significance: a statistical approach to defining meaningful
 * change in psychotherapy research. Journal of Consulting and Clinical Psychology, 59(1), 12–19.
 */
export function clinicalCutoffs(input: {
  clinical: GroupNorm;
  functional: GroupNorm;
  direction: Direction;
}): ClinicalCutoffs {
  const { clinical, functional, direction } = input;
  assertFinite(clinical.mean, 'clinical.mean');
  assertFinite(functional.mean, 'functional.mean');
  assertPositive(clinical.sd, 'clinical.sd');
  assertPositive(functional.sd, 'functional.sd');
  const towardFunctional = direction === 'higher_is_better' ? 1 : -1;
  if ((functional.mean - clinical.mean) * towardFunctional <= 0) {
    throw invalid(
      'STATISTICS.NORMS_CONTRADICT_DIRECTION',
      'Den funktionella gruppens medelvärde måste ligga på skalans bättre sida om den kliniska gruppens.',
      "The functional group's mean must lie on the better side of the clinical group's mean.",
      [
        {
          field: 'functional.mean',
          sv: 'Stämmer inte med skalans riktning.',
          en: "Contradicts the scale's direction.",
        },
      ],
    );
  }
  return {
    a: clinical.mean + towardFunctional * 2 * clinical.sd,
    b: functional.mean - towardFunctional * 2 * functional.sd,
    c: (clinical.sd * functional.mean + functional.sd * clinical.mean) / (clinical.sd + functional.sd),
  };
}

/**
 * Caseness: the score lies on the clinical side of the cut-off. With `inclusive`, a score exactly on the cut-off is a
 * case (PHQ-9 "10 or more" with higher_is_worse; a higher_is_better scale's case is "at or below").
 *
 * Source: Jacobson & Truax (1991), J Consult Clin Psychol 59(1), 12–19; caseness as used by the NHS Talking Therapies
 * for Anxiety and Depression Manual (NHS England).
 */
export function isCase(score: number, cutoff: number, direction: Direction, options: { inclusive: boolean }): boolean {
  assertFinite(score, 'score');
  assertFinite(cutoff, 'cutoff');
  if (score === cutoff) return options.inclusive;
  return direction === 'higher_is_worse' ? score > cutoff : score < cutoff;
}

/**
 * Recovery for one client and one scale: *recovered* = case at baseline and not at latest; *reliably recovered* =
 * recovered and reliably improved. Clients who were not cases at baseline get null, because recovery rates use only
 * cases at baseline as denominator.
 *
 * Source: Jacobson & Truax (1991), J Consult Clin Psychol 59(1), 12–19 ("recovered" = reliable change plus passing the
 * cut-off); NHS Talking Therapies for Anxiety and Depression Manual (recovery, reliable recovery).
 */
export function classifyRecovery(input: {
  baseline: number;
  latest: number;
  direction: Direction;
  cutoff: CaseCutoff;
  criterion: ChangeCriterion;
}): RecoveryClassification {
  const { baseline, latest, direction, cutoff, criterion } = input;
  const change = classifyChange({ baseline, latest, direction, criterion });
  const caseAtBaseline = isCase(baseline, cutoff.value, direction, cutoff);
  const caseAtLatest = isCase(latest, cutoff.value, direction, cutoff);
  const recovered = caseAtBaseline ? !caseAtLatest : null;
  const reliablyRecovered = recovered === null ? null : recovered && change.category === 'reliably_improved';
  return { caseAtBaseline, caseAtLatest, recovered, reliablyRecovered, change };
}
