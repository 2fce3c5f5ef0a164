import { type OutcomeProfile } from './outcome-profile.js';

/**
 * The paired depression–anxiety outcome of NHS Talking Therapies (formerly IAPT): PHQ-9 case at ≥ 10, reliable change
 * 6 points; GAD-7 case at ≥ 8, reliable change 4 points.
 *
 * Source: NHS England / National Collaborating Centre for Mental Health, The NHS Talking Therapies for Anxiety and
 * Depression Manual (v6, 2023 and later editions), section on outcome measurement. Where the manual prescribes an
 * anxiety-disorder-specific measure instead of GAD-7, build a profile with that measure's own cut-off and threshold.
 */
export const NHS_TALKING_THERAPIES_PROFILE: OutcomeProfile = Object.freeze({
  id: 'nhs_talking_therapies',
  source: 'NHS Talking Therapies for Anxiety and Depression Manual (NHS England)',
  measures: Object.freeze([
    Object.freeze({
      id: 'phq9.total',
      direction: 'higher_is_worse',
      cutoff: Object.freeze({ value: 10, inclusive: true }),
      criterion: Object.freeze({ kind: 'threshold', points: 6 }),
    }),
    Object.freeze({
      id: 'gad7.total',
      direction: 'higher_is_worse',
      cutoff: Object.freeze({ value: 8, inclusive: true }),
      criterion: Object.freeze({ kind: 'threshold', points: 4 }),
    }),
  ]),
});
