import { type Actor, Permission, rolesGranting, scopeFor, type UnitScope } from '#access';
import { AggregateReadRepository, type ScopeKind } from '#aggregation';
import { forbidden, notFound, Role } from '#domain';
import type { DataSource } from 'typeorm';

export interface ResolvedScope {
  scope: UnitScope;
  scopeKey: string;
  label: { kind: ScopeKind; id: string; name: string };
  /** Suppression k for this reader, or null when the reader has access to the individuals behind the figures. */
  k: number | null;
  audience: 'staff' | 'analyst' | 'politician';
}

const scopeNotFound = () => notFound('AGGREGATE.NOT_FOUND', 'Omfånget finns inte eller du saknar behörighet.', 'The scope does not exist or you do not have access.');
const levelNotAllowed = () =>
  forbidden(
    'AGGREGATE.LEVEL_NOT_ALLOWED',
    'Förtroendevalda ser bara siffror för kommunen och förvaltningar, aldrig enskilda eller enheter under förvaltningsnivå.',
    'Politicians see only municipality and administration-level figures, never a client or a unit below administration.',
  );
const municipalityWideOnly = () =>
  forbidden(
    'AGGREGATE.MUNICIPALITY_SCOPE_REQUIRED',
    'Siffror för hela kommunen kräver behörighet för hela organisationen.',
    'Municipality-wide figures need access to the whole organisation.',
  );

/** The actor's scope for client data, or null for roles without it (analysts, politicians). */
function clientScopeOf(actor: Actor): UnitScope | null {
  try {
    return scopeFor(actor, Permission.ClientRead);
  } catch {
    return null;
  }
}

/**
 * Who may see which scope (docs/aggregation.md): unit heads, caseworkers and analysts their unit subtrees (analysts
 * never client level); politicians the municipality and administration units, suppressed; methods and the
 * municipality need a scope over the whole organisation.
 */
export async function resolveScope(ds: DataSource, actor: Actor, kind: ScopeKind, id: string): Promise<ResolvedScope> {
  const scope = scopeFor(actor, Permission.AggregateRead);
  const repo = new AggregateReadRepository(ds);
  const roles = rolesGranting(actor, Permission.AggregateRead);
  const politicianOnly = roles.every((r) => r === Role.Politician);
  const settings = await repo.settings(actor.municipalityId);
  const clientScope = clientScopeOf(actor);
  let name: string;
  let individualAccess: boolean;
  if (kind === 'unit') {
    const unit = await repo.findUnit(scope, id);
    if (!unit) throw scopeNotFound();
    if (politicianOnly && unit.kind !== 'administration') throw levelNotAllowed();
    name = unit.name;
    individualAccess = !!clientScope && clientScope.unitPaths.some((p) => unit.path.startsWith(p));
  } else if (kind === 'group') {
    if (politicianOnly) throw levelNotAllowed();
    const group = await repo.findGroup(scope, id);
    if (!group) throw scopeNotFound();
    name = group.name;
    individualAccess = !!clientScope && !!(await repo.findGroup(clientScope, id));
  } else if (kind === 'method' || kind === 'municipality') {
    if (!(await repo.coversMunicipality(scope))) throw municipalityWideOnly();
    if (kind === 'method') {
      const method = await repo.findMethod(actor.municipalityId, id);
      if (!method) throw scopeNotFound();
      name = method.name;
    } else name = 'municipality';
    individualAccess = !!clientScope && (await repo.coversMunicipality(clientScope));
  } else throw scopeNotFound();
  const audience = individualAccess ? 'staff' : politicianOnly ? 'politician' : 'analyst';
  const k = audience === 'staff' ? null : audience === 'politician' ? settings.kPolitician : settings.kAnalyst;
  return { scope, scopeKey: `${kind}:${id}`, label: { kind, id, name }, k, audience };
}
