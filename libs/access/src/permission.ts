import { Role } from '#domain';

/** What a route or job may do. Every API route declares exactly one (or is explicitly public). */
export enum Permission {
  SelfRead = 'self.read',
  OrgRead = 'org.read',
  ClientRead = 'client.read',
  ClientWrite = 'client.write',
  ClientSearch = 'client.search',
  UserAdmin = 'user.admin',
  AuditReview = 'audit.review',
  AggregateRead = 'aggregate.read',
  /** Instrument definitions: not personal data, so every role reads them. */
  InstrumentRead = 'instrument.read',
  InstrumentAdmin = 'instrument.admin',
  /** Methods and their measurement plans: organisation data, administered by admins. */
  MethodAdmin = 'method.admin',
}

/** Permissions that reach individual-level data. Granted only to roles that work with clients. */
export const INDIVIDUAL_LEVEL_PERMISSIONS: ReadonlySet<Permission> = new Set([
  Permission.ClientRead,
  Permission.ClientWrite,
  Permission.ClientSearch,
]);

/**
 * Role → permissions. Admins administer but do not read client records (least privilege);
 * analysts and politicians never receive individual-level data.
 */
export const ROLE_PERMISSIONS: Readonly<Record<Role, readonly Permission[]>> = {
  [Role.Admin]: [
    Permission.MethodAdmin,
    Permission.SelfRead,
    Permission.OrgRead,
    Permission.UserAdmin,
    Permission.AuditReview,
    Permission.InstrumentRead,
    Permission.InstrumentAdmin,
  ],
  [Role.UnitHead]: [
    Permission.SelfRead,
    Permission.OrgRead,
    Permission.ClientRead,
    Permission.ClientWrite,
    Permission.ClientSearch,
    Permission.AuditReview,
    Permission.AggregateRead,
    Permission.InstrumentRead,
  ],
  [Role.Caseworker]: [
    Permission.SelfRead,
    Permission.OrgRead,
    Permission.ClientRead,
    Permission.ClientWrite,
    Permission.ClientSearch,
    Permission.AggregateRead,
    Permission.InstrumentRead,
  ],
  [Role.Analyst]: [Permission.SelfRead, Permission.OrgRead, Permission.AggregateRead, Permission.InstrumentRead],
  [Role.Politician]: [Permission.SelfRead, Permission.OrgRead, Permission.AggregateRead, Permission.InstrumentRead],
};

export function roleGrants(role: Role, permission: Permission): boolean {
  return ROLE_PERMISSIONS[role].includes(permission);
}
