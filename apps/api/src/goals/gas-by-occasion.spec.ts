import { describe, expect, it } from '@jest/globals';
import { OccasionKind, OccasionState } from '#domain';
import type { GoalAttainmentRow, GoalRow, OccasionRow } from '#persistence';
import { gasByOccasion } from './gas-by-occasion.js';

const LEVELS = { '-2': 'a', '-1': 'b', '0': 'c', '1': 'd', '2': 'e' };
const goal = (id: string, weight: number | null): GoalRow => ({
  id,
  episodeId: 'e',
  text: id,
  targetDate: null,
  scale: null,
  gas: weight === null ? null : { levels: LEVELS, weight },
  createdBy: 'u',
  createdAt: new Date(0),
});
const occasion = (id: string, kind: OccasionKind, seq: number, dueDate: string): OccasionRow => ({
  id,
  episodeId: 'e',
  kind,
  seq,
  dueDate,
  windowStart: dueDate,
  windowEnd: dueDate,
  state: OccasionState.Done,
  missedReason: null,
  doneOn: dueDate,
});
const at = (goalId: string, occasionId: string, gasLevel: number | null, achieved: boolean | null = null): GoalAttainmentRow => ({
  id: `${goalId}@${occasionId}`,
  goalId,
  occasionId,
  gasLevel,
  achieved,
  comment: null,
  recordedBy: 'u',
  recordedAt: new Date(0),
});

const sut = gasByOccasion;
const goals = [goal('g1', 3), goal('g2', 2), goal('g3', 1), goal('plain', null)];
const occasions = [occasion('start', OccasionKind.Start, 0, '2026-01-15'), occasion('fu1', OccasionKind.FollowUp, 1, '2026-07-15'), occasion('fu2', OccasionKind.FollowUp, 2, '2027-01-15')];

describe(gasByOccasion.name, () => {
  it('is empty when the episode has no GAS goal', () => {
    expect(sut([goal('plain', null)], [at('plain', 'fu1', null, true)], occasions)).toEqual([]);
  });

  it('gives T = 54.407 for +1, 0, −1 weighted 3, 2, 1; a non-GAS goal does not count', () => {
    const [fu1] = sut(goals, [at('g1', 'fu1', 1), at('g2', 'fu1', 0), at('g3', 'fu1', -1), at('plain', 'fu1', null, false)], occasions);
    expect(fu1!.tScore!.toFixed(3)).toBe('54.407');
    expect(fu1).toMatchObject({ occasionId: 'fu1', missingGoalIds: [], note: null });
  });

  it('lists only occasions with attainment, in occasion order, and gives no T where a GAS goal lacks a level', () => {
    const result = sut(goals, [at('g1', 'fu2', 0), at('g2', 'fu2', 0), at('g3', 'fu2', 0), at('g1', 'fu1', 2), at('plain', 'fu1', null, true)], occasions);
    expect(result.map((r) => [r.occasionId, r.tScore === null ? null : r.tScore.toFixed(3), r.missingGoalIds])).toEqual([
      ['fu1', null, ['g2', 'g3']],
      ['fu2', '50.000', []],
    ]);
    expect(result[0]!.note!.en).toBe('No GAS T-score: 2 of 3 GAS goals have no level at this occasion.');
  });
});
