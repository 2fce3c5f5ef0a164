import { PHQ9 } from '#instruments';
import type { ScaleRules } from '#statistics';

export { gasTScore, groupOutcomeSummary } from '#statistics';

const scale = PHQ9.scales[0]!;
/** PHQ-9's rules as the statistics library takes them, from the built-in definition. */
export const PHQ9_RULES_FOR_TEST: ScaleRules = {
  direction: scale.direction,
  criterion: { kind: 'threshold', points: (scale.reliableChange as { points: number }).points },
  cutoff: { value: scale.cutoff!.value!, inclusive: scale.cutoff!.inclusive },
};
