import type { DataSource } from 'typeorm';
import { breakdownCountKey, type ForcedHidden, LinkedCountsReader, type LinkedEpisodeCounts, linkedForcedHidden, methodCountKey } from '#aggregation';

export type MethodCountMeasure = 'started' | 'active';
const MEASURES: readonly MethodCountMeasure[] = ['started', 'active'];

/** The reason a method's own figures are withheld from a politician (shown instead of the figures). */
export const METHOD_WITHHELD = {
  code: 'AGGREGATE.METHOD_WITHHELD',
  message: {
    sv: 'Arbetssättets siffror visas inte för perioden: antalet insatser är dolt i sammanställningen för hela kommunen (färre än k eller för att skydda en annan dold siffra), och arbetssättets egna siffror skulle avslöja det.',
    en: 'The method’s figures are not shown for the period: its number of interventions is hidden in the figures for the whole municipality (fewer than k, or to protect another hidden figure), and the method’s own figures would give it away.',
  },
} as const;

/**
 * Per-method episode counts as politicians see them across pages (docs/aggregation.md, "Suppression across
 * scopes"): the municipality's row of methods, each administration's row, and each method's own page show the same
 * counts, and each page shows its total by sex and by age band, so they are suppressed together for one period, with
 * `linkedEpisodeCounts` over the municipality, every administration of it and every method's page (whoever reads:
 * two politicians' pages together must not undo it). A method whose count is hidden on the municipality's row is
 * withheld on its own page.
 */
export class MethodCountDisclosure {
  readonly municipalityKey: string;

  private constructor(
    private readonly hidden: LinkedEpisodeCounts,
    private readonly municipalityId: string,
  ) {
    this.municipalityKey = `municipality:${municipalityId}`;
  }

  static async load(ds: DataSource, municipalityId: string, periodKey: string, k: number): Promise<MethodCountDisclosure> {
    const solved = await new LinkedCountsReader(ds).solve(municipalityId, [periodKey], k);
    return new MethodCountDisclosure(solved.get(periodKey)!, municipalityId);
  }

  /** True when the count of `subject` (a method id, or `*` for the scope's total) in the scope is hidden. */
  isHidden(scopeKey: string, subject: string, measure: MethodCountMeasure): boolean {
    // A method's own page: its total is the method's count on the municipality's row.
    if (scopeKey.startsWith('method:') && subject === '*') return this.hidden[measure].has(methodCountKey(this.municipalityKey, scopeKey.slice('method:'.length)));
    return this.hidden[measure].has(methodCountKey(scopeKey, subject));
  }

  /** True when the scope's total in a breakdown cell (`sex:female`, …) is hidden; `all` is the total itself. */
  isCellHidden(scopeKey: string, cell: string, measure: MethodCountMeasure): boolean {
    return cell === 'all' ? this.isHidden(scopeKey, '*', measure) : this.hidden[measure].has(breakdownCountKey(scopeKey, cell));
  }

  /** True when either count of the method is hidden in the scope (the municipality by default). */
  methodHidden(methodId: string, scopeKey = this.municipalityKey): boolean {
    return MEASURES.some((m) => this.isHidden(scopeKey, methodId, m));
  }

  /** The counts of a scope's page that the per-scope solve must take as hidden (`ScopeDisclosure.solve`). */
  forcedFor(scopeKey: string): ForcedHidden {
    return linkedForcedHidden(this.hidden, this.municipalityId, scopeKey);
  }
}
