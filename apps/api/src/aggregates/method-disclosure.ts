import type { DataSource } from 'typeorm';
import { AggregateReadRepository, hiddenMethodCounts, methodCountKey, methodCountNodes } from '#aggregation';
import { OrgUnitRepository } from '#persistence';

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
 * counts, so they are suppressed together for one period, with `hiddenMethodCounts` over the municipality and every
 * administration of it (whoever reads: two politicians' pages together must not undo it). A method whose count is
 * hidden on the municipality's row is withheld on its own page.
 */
export class MethodCountDisclosure {
  private constructor(
    private readonly hidden: Record<MethodCountMeasure, Set<string>>,
    readonly municipalityKey: string,
  ) {}

  static async load(ds: DataSource, municipalityId: string, periodKey: string, k: number): Promise<MethodCountDisclosure> {
    const repo = new AggregateReadRepository(ds);
    const administrations = await new OrgUnitRepository(ds).listAdministrations(municipalityId);
    const scopeKeys = [`municipality:${municipalityId}`, ...administrations.map((a) => `unit:${a.id}`)];
    const rows = await Promise.all(scopeKeys.map((key) => repo.listFigures(key, periodKey, ['all'])));
    const episodes = rows.flatMap((r, i) => r.filter((x) => x.figure === 'episodes').map((x) => ({ scopeKey: scopeKeys[i]!, subject: x.subject, stats: x.stats })));
    const hidden = {} as Record<MethodCountMeasure, Set<string>>;
    for (const measure of MEASURES) hidden[measure] = hiddenMethodCounts(methodCountNodes(municipalityId, administrations, episodes, measure), k);
    return new MethodCountDisclosure(hidden, scopeKeys[0]!);
  }

  /** True when the count of `subject` (a method id, or `*` for the scope's total) in the scope is hidden. */
  isHidden(scopeKey: string, subject: string, measure: MethodCountMeasure): boolean {
    return this.hidden[measure].has(methodCountKey(scopeKey, subject));
  }

  /** True when either count of the method is hidden in the scope (the municipality by default). */
  methodHidden(methodId: string, scopeKey = this.municipalityKey): boolean {
    return MEASURES.some((m) => this.isHidden(scopeKey, methodId, m));
  }
}
