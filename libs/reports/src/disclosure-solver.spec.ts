import { describe, expect, it } from '@jest/globals';
import { DisclosureSolver } from './disclosure-solver.js';

describe(DisclosureSolver.name, () => {
  it('hides a count below k and a second one where the total would give the first back', () => {
    const s = new DisclosureSolver(5);
    s.count('a', 3);
    s.count('b', 20);
    s.count('c', 9);
    s.count('t', 32);
    s.line(['a', 'b', 'c'], 't');
    expect(s.value('a')).toBeNull();
    // the smallest shown part is hidden too, so t − b leaves a + c, not a
    expect(s.value('c')).toBeNull();
    expect(s.value('b')).toBe(20);
    expect(s.value('t')).toBe(32);
  });

  it('carries a hidden count into every equation it appears in (one solve for the whole report)', () => {
    const s = new DisclosureSolver(5);
    // rows: units; columns: improved/other; row totals and column totals shown
    for (const [k, v] of Object.entries({ a1: 2, a2: 6, a: 8, b1: 10, b2: 10, b: 20, c1: 12, c2: 16, c: 28 })) s.count(k, v);
    s.line(['a1', 'a2'], 'a');
    s.line(['b1', 'b2'], 'b');
    s.line(['a1', 'b1'], 'c1');
    s.line(['a2', 'b2'], 'c2');
    s.line(['a', 'b'], 'c');
    s.line(['c1', 'c2'], 'c');
    const hidden = ['a1', 'a2', 'b1', 'b2'].filter((k) => s.value(k) === null);
    // a1 primary; a2 (its row), b1 (its column) and then b2 complementary: no line has exactly one hidden entry
    expect(hidden.sort()).toEqual(['a1', 'a2', 'b1', 'b2']);
  });

  it('shows zeros and leaves everything visible for an audience without suppression', () => {
    const s = new DisclosureSolver(null);
    s.count('a', 1);
    s.count('b', 0);
    s.count('t', 1);
    s.line(['a', 'b'], 't');
    expect([s.value('a'), s.value('b'), s.value('t')]).toEqual([1, 0, 1]);
    const p = new DisclosureSolver(5);
    p.count('z', 0);
    p.count('y', 7);
    p.count('t', 7);
    p.line(['z', 'y'], 't');
    expect([p.value('z'), p.value('y')]).toEqual([0, 7]);
  });

  it('treats a line without a shown total as a known sum (overlapping rows)', () => {
    const s = new DisclosureSolver(5);
    s.count('a', 4);
    s.count('b', 30);
    s.count('c', 8);
    s.line(['a', 'b', 'c'], null);
    expect(s.value('a')).toBeNull();
    expect(s.value('c')).toBeNull();
  });

  it('refuses a count registered twice with different values, and a line that does not add up', () => {
    const s = new DisclosureSolver(5);
    s.count('a', 4);
    expect(() => s.count('a', 5)).toThrow(/registered as 4 and 5/);
    s.count('t', 9);
    expect(() => s.line(['a'], 't')).toThrow(/does not add up/);
  });
});

describe('DisclosureSolver gates', () => {
  it('hides event counts of a group whose number of people is hidden, and protects them in their own column', () => {
    const s = new DisclosureSolver(5);
    for (const [k, v] of Object.entries({ pa: 3, pb: 20, pt: 23, ea: 6, eb: 40, et: 46 })) s.count(k, v);
    s.line(['pa', 'pb'], 'pt');
    s.line(['ea', 'eb'], 'et');
    s.gate('ea', 'pa');
    s.gate('eb', 'pb');
    expect([s.value('pa'), s.value('pb'), s.value('ea'), s.value('eb')]).toEqual([null, null, null, null]);
    expect(s.value('et')).toBe(46);
  });
});

describe('DisclosureSolver: zeros and counts the views hide', () => {
  it('never takes a zero as the second hidden count: with no other non-zero part, the total goes', () => {
    const s = new DisclosureSolver(5);
    for (const [k, v] of Object.entries({ female: 8, male: 0, other: 0, t: 8, col: 20, rest: 12 })) s.count(k, v);
    s.line(['female', 'male', 'other'], 't');
    s.force('female');
    expect([s.value('female'), s.value('male'), s.value('other'), s.value('t')]).toEqual([null, 0, 0, null]);
  });

  it('hides a forced count and protects it like a primary one', () => {
    const s = new DisclosureSolver(5);
    for (const [k, v] of Object.entries({ a: 10, b: 20, c: 30, t: 60 })) s.count(k, v);
    s.line(['a', 'b', 'c'], 't');
    s.force('b');
    expect([s.value('a'), s.value('b'), s.value('c'), s.value('t')]).toEqual([null, null, 30, 60]);
  });
});
