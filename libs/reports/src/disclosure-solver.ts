import { suppressLines } from '#statistics';

/**
 * Small-number suppression over every figure of one report at once (docs/reports.md, "Suppression").
 *
 * A report shows the same count in several tables (the total of started interventions heads the per-method table
 * and the per-sex table), so suppression must be solved once for the whole document: a count hidden to protect a
 * cell in one table must be hidden everywhere it appears. Counts are registered under a semantic key, once; every
 * published equation (parts = total) is registered as a line.
 *
 * Rules: `suppressLines` of #statistics, the same as every aggregate view applies (Kolada/SCB practice; Hundepool et
 * al. 2012, ch. 4): primary — a count with 0 < n < k is hidden, and a line whose total is below k whole; complementary —
 * wherever a line has exactly one hidden non-zero entry it could be computed back, so the smallest shown non-zero part
 * of that line is hidden too (never a zero, which protects nothing; else the line's total); repeated until stable. A
 * line without a shown total is treated as if its sum were known (conservative: used where rows overlap and do not
 * add up to the published total). Counts `force`d hidden are what the aggregate views hide (the report must not give
 * back a cell a view hides).
 */
export class DisclosureSolver {
  private readonly values: number[] = [];
  private readonly index = new Map<string, number>();
  private readonly lines: { cells: number[]; total: number | null }[] = [];
  private readonly gates: { entry: number; on: number }[] = [];
  private readonly forced = new Set<number>();
  private solved: boolean[] | null = null;

  /** k, or null for an audience with access to the individuals (nothing is hidden). */
  constructor(readonly k: number | null) {}

  /** Registers a count under a key (idempotent: the same key must always carry the same value). */
  count(key: string, value: number): string {
    if (!Number.isInteger(value) || value < 0) throw new Error(`count ${key} must be a whole number ≥ 0, got ${value}`);
    const i = this.index.get(key);
    if (i !== undefined) {
      if (this.values[i] !== value) throw new Error(`count ${key} registered as ${this.values[i]} and ${value}`);
      return key;
    }
    this.index.set(key, this.values.push(value) - 1);
    this.solved = null;
    return key;
  }

  /** Registers an equation: the parts add up to the total (or, with total null, to a sum treated as known). */
  line(parts: readonly string[], total: string | null): void {
    const cells = parts.map((p) => this.at(p));
    const t = total === null ? null : this.at(total);
    const sum = cells.reduce((s, i) => s + this.values[i]!, 0);
    if (t !== null && sum !== this.values[t]) throw new Error(`line ${parts.join('+')} = ${sum} does not add up to ${total} = ${this.values[t]}`);
    this.lines.push({ cells, total: t });
    this.solved = null;
  }

  /**
   * Hides `key` whenever `on` is hidden: a figure about events (occasions, goals) of a group whose number of people
   * is hidden would tell how many people there are (e.g. two occasions per client in a half-year).
   */
  gate(key: string, on: string): void {
    this.gates.push({ entry: this.at(key), on: this.at(on) });
    this.solved = null;
  }

  /** Hides `key` whatever its value: the aggregate views hide it (solved over their own tables), so the report does too. */
  force(key: string): void {
    this.forced.add(this.at(key));
    this.solved = null;
  }

  /** The published value of a count: null when hidden. */
  value(key: string): number | null {
    const i = this.at(key);
    return this.hidden()[i] ? null : this.values[i]!;
  }

  /** The raw value, for arithmetic that is itself gated on `value` (never published directly). */
  raw(key: string): number {
    return this.values[this.at(key)]!;
  }

  isHidden(key: string): boolean {
    return this.hidden()[this.at(key)]!;
  }

  has(key: string): boolean {
    return this.index.has(key);
  }

  private at(key: string): number {
    const i = this.index.get(key);
    if (i === undefined) throw new Error(`count ${key} is not registered`);
    return i;
  }

  private hidden(): boolean[] {
    if (this.solved) return this.solved;
    this.solved =
      this.k === null
        ? this.values.map(() => false)
        : suppressLines(this.values, this.lines, { k: this.k, hidden: [...this.forced], gates: this.gates }).map((c) => c.value === null);
    return this.solved;
  }
}
