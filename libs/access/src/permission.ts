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
  /** Hand answers of elements 10/11 and a method's description in the 11-element model. */
  EvidenceWrite = 'evidence.write',
  /** Instrument definitions: not personal data, so every role reads them. */
  InstrumentRead = 'instrument.read',
  InstrumentAdmin = 'instrument.admin',
  /** Methods and their measurement plans: organisation data, administered by admins. */
  MethodAdmin = 'method.admin',
  /** Unit- and method-level follow-up notes (staff meetings, method adjustments): no client data. */
  NoteWrite = 'note.write',
  NoteRead = 'note.read',
  /** Bulk import of historical client data (docs/import.md): writes clients, episodes and responses. */
  ImportRun = 'import.run',
  /** Retention (gallring): the dry-run report and run history, counts only (docs/retention.md). */
  RetentionAdmin = 'retention.admin',
  /** Result report definitions and "generate now" (docs/reports.md): within the user's own units. */
  ReportAdmin = 'report.admin',
  /** Downloading stored result reports: politicians their municipality's politician reports, others within access. */
  ReportRead = 'report.read',
  /** Client groups (grupper) of a unit: their names and units (organisation data, no client data). */
  GroupRead = 'group.read',
  /** Creating and renaming client groups within the user's units. */
  GroupAdmin = 'group.admin',
  /** Adding episodes to a group and ending memberships: reaches individual clients (episodes, pseudonyms). */
  GroupMemberWrite = 'group.member.write',
  /** The municipality's aggregation settings (suppression k per audience, evidence thresholds): admins of the whole municipality. */
  AggregationSettingsAdmin = 'aggregation.settings.admin',
}

/** Permissions that reach individual-level data. Granted only to roles that work with clients. */
export const INDIVIDUAL_LEVEL_PERMISSIONS: ReadonlySet<Permission> = new Set([
  Permission.ClientRead,
  Permission.ClientWrite,
  Permission.ClientSearch,
  Permission.ImportRun,
  Permission.GroupMemberWrite,
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
    Permission.EvidenceWrite,
    Permission.RetentionAdmin,
    Permission.ReportAdmin,
    Permission.ReportRead,
    Permission.GroupRead,
    Permission.GroupAdmin,
    Permission.AggregationSettingsAdmin,
  ],
  [Role.UnitHead]: [
    Permission.SelfRead,
    Permission.OrgRead,
    Permission.ClientRead,
    Permission.ClientWrite,
    Permission.ClientSearch,
    Permission.AuditReview,
    Permission.AggregateRead,
    Permission.EvidenceWrite,
    Permission.InstrumentRead,
    Permission.NoteWrite,
    Permission.NoteRead,
    Permission.ImportRun,
    Permission.ReportAdmin,
    Permission.ReportRead,
    Permission.GroupRead,
    Permission.GroupAdmin,
    Permission.GroupMemberWrite,
  ],
  [Role.Caseworker]: [
    Permission.SelfRead,
    Permission.OrgRead,
    Permission.ClientRead,
    Permission.ClientWrite,
    Permission.ClientSearch,
    Permission.AggregateRead,
    Permission.InstrumentRead,
    Permission.GroupRead,
  ],
  [Role.Analyst]: [Permission.SelfRead, Permission.OrgRead, Permission.AggregateRead, Permission.InstrumentRead, Permission.NoteRead],
  [Role.Politician]: [Permission.SelfRead, Permission.OrgRead, Permission.AggregateRead, Permission.InstrumentRead, Permission.ReportRead],
};

export function roleGrants(role: Role, permission: Permission): boolean {
  return ROLE_PERMISSIONS[role].includes(permission);
}
