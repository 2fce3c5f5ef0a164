import { type Actor, Permission, rolesGranting, scopeFor, type UnitScope } from '#access';
import { AggregateReadRepository } from '#aggregation';
import { Role } from '#domain';
import type { DataSource } from 'typeorm';

function scopeOrNull(actor: Actor, p: Permission): UnitScope | null {
  try {
    return scopeFor(actor, p);
  } catch {
    return null;
  }
}

/** True when a unit scope covers a report scope: a unit subtree, or (municipality, method) the whole organisation. */
export async function coversReportScope(ds: DataSource, scope: UnitScope | null, report: { scopeKind: string; scopeId: string }): Promise<boolean> {
  if (!scope) return false;
  const repo = new AggregateReadRepository(ds);
  if (report.scopeKind === 'municipality' || report.scopeKind === 'method') return repo.coversMunicipality(scope);
  return !!(await repo.findUnit(scope, report.scopeId));
}

/**
 * Who may read a stored report (docs/reports.md):
 * - a politician-audience report: politicians of its municipality, and whoever may define reports over its scope;
 * - a management report (unsuppressed unit-level figures): only users with access to the individuals of its whole
 *   scope (unit heads over it); admins administer definitions but do not read them (least privilege).
 * Anything else is "not found", so existence does not leak.
 */
export async function mayReadReport(ds: DataSource, actor: Actor, report: { municipalityId: string; audience: string; scopeKind: string; scopeId: string }): Promise<boolean> {
  if (report.municipalityId !== actor.municipalityId) return false;
  if (report.audience === 'politicians') {
    if (rolesGranting(actor, Permission.ReportRead).includes(Role.Politician)) return true;
    return coversReportScope(ds, scopeOrNull(actor, Permission.ReportAdmin), report);
  }
  return (await coversReportScope(ds, scopeOrNull(actor, Permission.ClientRead), report)) && rolesGranting(actor, Permission.ReportRead).length > 0;
}
