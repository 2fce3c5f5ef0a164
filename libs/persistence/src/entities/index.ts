import 'reflect-metadata';

import * as entityClasses from './entity-classes.js';

export * from './entity-classes.js';
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
export const ENTITIES = Object.values(entityClasses);
