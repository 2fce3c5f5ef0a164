/** Which end of a scale is better; every instrument scale declares one. */
export type Direction = 'higher_is_better' | 'higher_is_worse';

/** A raw change (latest − baseline) turned so that a positive number always means the client got better. */
export function improvementOf(change: number, direction: Direction): number {
  return direction === 'higher_is_better' ? change : -change;
}
