import 'reflect-metadata';
import { MunicipalityEntity } from './municipality.entity.js';
import { OrgUnitEntity } from './org-unit.entity.js';
import { AppUserEntity } from './app-user.entity.js';
import { MembershipEntity } from './membership.entity.js';
import { SessionEntity } from './session.entity.js';
import { ApiTokenEntity } from './api-token.entity.js';
import { MethodEntity } from './method.entity.js';
import { InstrumentEntity } from './instrument.entity.js';
import { InstrumentVersionEntity } from './instrument-version.entity.js';
import { MeasurementPlanEntity } from './measurement-plan.entity.js';
import { MeasurementPlanInstrumentEntity } from './measurement-plan-instrument.entity.js';
import { ClientEntity } from './client.entity.js';
import { EpisodeEntity } from './episode.entity.js';
import { ClientGroupEntity } from './client-group.entity.js';
import { GroupMembershipEntity } from './group-membership.entity.js';
import { OccasionEntity } from './occasion.entity.js';
import { GoalEntity } from './goal.entity.js';
import { GoalAttainmentEntity } from './goal-attainment.entity.js';
import { ResponseEntity } from './response.entity.js';
import { ResponseAnswerEntity } from './response-answer.entity.js';
import { ScaleScoreEntity } from './scale-score.entity.js';
import { FollowUpNoteEntity } from './follow-up-note.entity.js';
import { AuditEventEntity } from './audit-event.entity.js';
import { OutboxEntity } from './outbox.entity.js';
import { IdempotencyRecordEntity } from './idempotency-record.entity.js';
import { ImportJobEntity } from './import-job.entity.js';
import { ImportClientRefEntity } from './import-client-ref.entity.js';
import { AggregateScopeStateEntity } from './aggregate-scope-state.entity.js';
import { AggregateClientScaleEntity } from './aggregate-client-scale.entity.js';
import { AggregateClientEpisodeEntity } from './aggregate-client-episode.entity.js';
import { AggregateFigureEntity } from './aggregate-figure.entity.js';
import { AggregateCellEntity } from './aggregate-cell.entity.js';
import { AggregateReferenceEntity } from './aggregate-reference.entity.js';
import { AggregateDirtyEntity } from './aggregate-dirty.entity.js';
import { EvidenceAnswerEntity } from './evidence-answer.entity.js';
import { AggregationSettingEntity } from './aggregation-setting.entity.js';
import { OidcLoginEntity } from './oidc-login.entity.js';
import { SignInThrottleEntity } from './sign-in-throttle.entity.js';
import { LogReviewSampleEntity } from './log-review-sample.entity.js';
import { LogReviewSampleItemEntity } from './log-review-sample-item.entity.js';
import { AccessFlagEntity } from './access-flag.entity.js';
import { RetentionRunEntity } from './retention-run.entity.js';
import { ReportDefinitionEntity } from './report-definition.entity.js';
import { ResultReportEntity } from './result-report.entity.js';

export {
  MunicipalityEntity,
  OrgUnitEntity,
  AppUserEntity,
  MembershipEntity,
  SessionEntity,
  ApiTokenEntity,
  MethodEntity,
  InstrumentEntity,
  InstrumentVersionEntity,
  MeasurementPlanEntity,
  MeasurementPlanInstrumentEntity,
  ClientEntity,
  EpisodeEntity,
  ClientGroupEntity,
  GroupMembershipEntity,
  OccasionEntity,
  GoalEntity,
  GoalAttainmentEntity,
  ResponseEntity,
  ResponseAnswerEntity,
  ScaleScoreEntity,
  FollowUpNoteEntity,
  AuditEventEntity,
  OutboxEntity,
  IdempotencyRecordEntity,
  ImportJobEntity,
  ImportClientRefEntity,
  AggregateScopeStateEntity,
  AggregateClientScaleEntity,
  AggregateClientEpisodeEntity,
  AggregateFigureEntity,
  AggregateCellEntity,
  AggregateReferenceEntity,
  AggregateDirtyEntity,
  EvidenceAnswerEntity,
  AggregationSettingEntity,
  OidcLoginEntity,
  SignInThrottleEntity,
  LogReviewSampleEntity,
  LogReviewSampleItemEntity,
  AccessFlagEntity,
  RetentionRunEntity,
  ReportDefinitionEntity,
  ResultReportEntity,
};
export type { ElementDescriptions } from './method.entity.js';
export type { InstrumentLicenceKind } from './instrument.entity.js';
export type { IdentityKind } from './client.entity.js';
export type { GasLevels } from './goal.entity.js';
export type { FollowUpNoteKind } from './follow-up-note.entity.js';
export type { LogReviewVerdict } from './log-review-sample-item.entity.js';
export type { AccessFlagKind } from './access-flag.entity.js';
export type { RetentionRule, RetentionRunState } from './retention-run.entity.js';
export type { ImportFormat, ImportJobPhase, ImportJobState } from './import-job.entity.js';
export { numericTransformer, type JsonDocument, type JsonScalar, type JsonValue } from './columns.js';

/** Every entity, one per table of the migrations; the DataSource registers exactly these. */
export const ENTITIES = [
  MunicipalityEntity,
  OrgUnitEntity,
  AppUserEntity,
  MembershipEntity,
  SessionEntity,
  ApiTokenEntity,
  MethodEntity,
  InstrumentEntity,
  InstrumentVersionEntity,
  MeasurementPlanEntity,
  MeasurementPlanInstrumentEntity,
  ClientEntity,
  EpisodeEntity,
  ClientGroupEntity,
  GroupMembershipEntity,
  OccasionEntity,
  GoalEntity,
  GoalAttainmentEntity,
  ResponseEntity,
  ResponseAnswerEntity,
  ScaleScoreEntity,
  FollowUpNoteEntity,
  AuditEventEntity,
  OutboxEntity,
  IdempotencyRecordEntity,
  ImportJobEntity,
  ImportClientRefEntity,
  AggregateScopeStateEntity,
  AggregateClientScaleEntity,
  AggregateClientEpisodeEntity,
  AggregateFigureEntity,
  AggregateCellEntity,
  AggregateReferenceEntity,
  AggregateDirtyEntity,
  EvidenceAnswerEntity,
  AggregationSettingEntity,
  OidcLoginEntity,
  SignInThrottleEntity,
  LogReviewSampleEntity,
  LogReviewSampleItemEntity,
  AccessFlagEntity,
  RetentionRunEntity,
  ReportDefinitionEntity,
  ResultReportEntity,
];
