/** Glossary types of DOMAIN.md. Values are stored in the database as these strings. */

export enum Role {
  Admin = 'admin',
  UnitHead = 'unit_head',
  Caseworker = 'caseworker',
  Analyst = 'analyst',
  Politician = 'politician',
}

/** Roles that may see individual-level (client) data. Analysts and politicians never do. */
export const INDIVIDUAL_LEVEL_ROLES: readonly Role[] = [Role.Admin, Role.UnitHead, Role.Caseworker];

export enum OrgUnitKind {
  Administration = 'administration',
  Unit = 'unit',
  Team = 'team',
}

export enum OccasionKind {
  Start = 'start',
  FollowUp = 'follow_up',
  Close = 'close',
  Extra = 'extra',
}

export enum OccasionState {
  Planned = 'planned',
  Due = 'due',
  Overdue = 'overdue',
  Done = 'done',
  Missed = 'missed',
  Cancelled = 'cancelled',
}

export enum EpisodeCloseReason {
  CompletedAsPlanned = 'completed_as_planned',
  EndedEarlyByClient = 'ended_early_by_client',
  Moved = 'moved',
  Other = 'other',
}

export enum Sex {
  Female = 'female',
  Male = 'male',
  Other = 'other',
  Unknown = 'unknown',
}

export enum Respondent {
  Client = 'client',
  Relative = 'relative',
  Staff = 'staff',
}

export enum ResponseMode {
  WithCaseworker = 'with_caseworker',
  SelfOnDevice = 'self_on_device',
  Paper = 'paper',
  Imported = 'imported',
}

export enum EvidenceStatus {
  MethodGuide = 'method_guide',
  ElevenElementModel = 'eleven_element_model',
  NotAssessed = 'not_assessed',
}

/** What an audited access did. */
export enum AuditAction {
  Read = 'read',
  Create = 'create',
  Update = 'update',
  Delete = 'delete',
  Search = 'search',
  List = 'list',
}

/** Why personal data was processed (SoLPuL: purpose limitation). */
export enum AuditPurpose {
  Casework = 'casework',
  FollowUp = 'follow_up',
  Administration = 'administration',
  LogReview = 'log_review',
}
