import { gasTScore } from '#statistics';
import type { GoalAttainmentRow, GoalRow, OccasionRow } from '#persistence';

export interface GasOccasionSummary {
  occasionId: string;
  kind: OccasionRow['kind'];
  seq: number;
  dueDate: string;
  doneOn: string | null;
  /** Level per GAS goal at this occasion (goals without a recorded level are left out). */
  levels: { goalId: string; level: number; weight: number }[];
  /** GAS goals with no level at this occasion; the T-score needs every one. */
  missingGoalIds: string[];
  /** Kiresuk & Sherman T over all GAS goals of the episode; null when a level is missing (see `note`). */
  tScore: number | null;
  note: { sv: string; en: string } | null;
}

/**
 * The GAS T-score per occasion at which any goal attainment was recorded. A T-score summarises every GAS goal
 * of the episode, so it is given only where each has a level; otherwise the answer says which are missing
 * rather than computing a T over a subset (which would not be comparable between occasions).
 */
export function gasByOccasion(goals: readonly GoalRow[], attainments: readonly GoalAttainmentRow[], occasions: readonly OccasionRow[]): GasOccasionSummary[] {
  const gasGoals = goals.filter((g) => g.gas !== null);
  if (gasGoals.length === 0) return [];
  const assessed = new Set(attainments.map((a) => a.occasionId));
  return occasions
    .filter((o) => assessed.has(o.id))
    .map((o) => {
      const levels: GasOccasionSummary['levels'] = [];
      const missingGoalIds: string[] = [];
      for (const g of gasGoals) {
        const a = attainments.find((x) => x.goalId === g.id && x.occasionId === o.id);
        if (a?.gasLevel === null || a?.gasLevel === undefined) missingGoalIds.push(g.id);
        else levels.push({ goalId: g.id, level: a.gasLevel, weight: g.gas!.weight });
      }
      const complete = missingGoalIds.length === 0;
      return {
        occasionId: o.id,
        kind: o.kind,
        seq: o.seq,
        dueDate: o.dueDate,
        doneOn: o.doneOn,
        levels,
        missingGoalIds,
        tScore: complete ? gasTScore(levels.map((l) => l.level), levels.map((l) => l.weight)) : null,
        note: complete
          ? null
          : {
              sv: `GAS-T beräknas inte: ${missingGoalIds.length} av ${gasGoals.length} GAS-mål saknar nivå vid detta tillfälle.`,
              en: `No GAS T-score: ${missingGoalIds.length} of ${gasGoals.length} GAS goals have no level at this occasion.`,
            },
      };
    });
}
