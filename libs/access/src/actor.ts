import { forbidden, Role } from '#domain';
import { Permission, roleGrants } from './permission.js';

export interface ActorMembership {
  unitId: string;
  /** Materialized path of the unit, '/<id>/…/<id>/'. */
  unitPath: string;
  role: Role;
}

/** The signed-in user acting in a request or job. */
export interface Actor {
  userId: string;
  municipalityId: string;
  username: string;
  displayName: string;
  memberships: readonly ActorMembership[];
  authMethod: 'session' | 'token';
}

declare const unitScopeBrand: unique symbol;

/**
 * Where an actor may use one permission: a municipality and the subtrees below the units where
 * the actor holds a role granting it. Only `scopeFor` makes one, and every repository method on a
 * tenant table takes one, so a query without tenancy and unit scope does not compile.
 */
export interface UnitScope {
  readonly municipalityId: string;
  /** Unit paths; a row is in scope when its unit's path starts with one of them. */
  readonly unitPaths: readonly string[];
  /** LIKE patterns for `path LIKE ANY($n)`. Paths hold only hex, '-' and '/', never wildcards. */
  readonly likePatterns: readonly string[];
  readonly actor: Actor;
  readonly role: Role;
  readonly [unitScopeBrand]: true;
}

/** The roles an actor holds that grant a permission (in any unit). */
export function rolesGranting(actor: Actor, permission: Permission): Role[] {
  return [...new Set(actor.memberships.filter((m) => roleGrants(m.role, permission)).map((m) => m.role))];
}

/** Builds the scope for a permission, or throws 403 when the actor holds no role granting it. */
export function scopeFor(actor: Actor, permission: Permission): UnitScope {
  const granting = actor.memberships.filter((m) => roleGrants(m.role, permission));
  if (granting.length === 0) {
    throw forbidden('ACCESS.FORBIDDEN', 'Du har inte behörighet till detta.', 'You do not have permission to do this.');
  }
  // Drop paths already covered by an ancestor so scope checks stay short.
  const paths = [...new Set(granting.map((m) => m.unitPath))].sort();
  const unitPaths = paths.filter((p) => !paths.some((q) => q !== p && p.startsWith(q)));
  return {
    municipalityId: actor.municipalityId,
    unitPaths,
    likePatterns: unitPaths.map((p) => `${p}%`),
    actor,
    role: granting[0]!.role,
  } as unknown as UnitScope;
}

/** True when a unit (by path) lies inside the scope. */
export function inScope(scope: UnitScope, unitPath: string): boolean {
  return scope.unitPaths.some((p) => unitPath.startsWith(p));
}
