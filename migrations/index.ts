import { CreateFoundationSchema1764460800000 } from './1764460800000-CreateFoundationSchema.js';
import { CreateAggregationTables1764633600000 } from './1764633600000-CreateAggregationTables.js';
import { ConstrainFollowUpNotes1764806400000 } from './1764806400000-ConstrainFollowUpNotes.js';
import { CreateImportJobs1764982800000 } from './1764982800000-CreateImportJobs.js';
import { CreateSignInAndLogReviewTables1765324800000 } from './1765324800000-CreateSignInAndLogReviewTables.js';
import { CreateRetentionRuns1765584000000 } from './1765584000000-CreateRetentionRuns.js';
import { CreateResultReports1765843200000 } from './1765843200000-CreateResultReports.js';
import { IncrementalAggregateCells1766016000000 } from './1766016000000-IncrementalAggregateCells.js';

/** Every migration, in order. The DataSource and the migration CLI both read this list. */
export const MIGRATIONS = [CreateFoundationSchema1764460800000, CreateAggregationTables1764633600000, ConstrainFollowUpNotes1764806400000, CreateImportJobs1764982800000, CreateSignInAndLogReviewTables1765324800000, CreateRetentionRuns1765584000000, CreateResultReports1765843200000, IncrementalAggregateCells1766016000000];
