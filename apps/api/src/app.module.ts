import { type DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_PIPE, DiscoveryModule } from '@nestjs/core';
import { AuthModule } from './auth/auth.module.js';
import { OidcModule } from './auth/oidc/oidc.module.js';
import { LogReviewModule } from './log-review/log-review.module.js';
import { RetentionModule } from './retention/retention.module.js';
import { AdminController } from './admin/admin.controller.js';
import { AdminService } from './admin/admin.service.js';
import { Clock } from './common/clock.js';
import { GoalAttainmentService } from './goals/goal-attainment.service.js';
import { GoalsController } from './goals/goals.controller.js';
import { GoalsService } from './goals/goals.service.js';
import { NotesController } from './notes/notes.controller.js';
import { OccasionNotesService } from './notes/occasion-notes.service.js';
import { UnitNotesService } from './notes/unit-notes.service.js';
import { EpisodesController } from './episodes/episodes.controller.js';
import { EpisodesService } from './episodes/episodes.service.js';
import { WorklistService } from './episodes/worklist.service.js';
import { MethodsController } from './methods/methods.controller.js';
import { MethodsService } from './methods/methods.service.js';
import { ClientsController } from './clients/clients.controller.js';
import { ClientsService } from './clients/clients.service.js';
import { ErrorFilter } from './common/error.filter.js';
import { createValidationPipe } from './common/validation.pipe.js';
import { DatabaseModule } from '#persistence';
import { AggregatesController } from './aggregates/aggregates.controller.js';
import { AggregatesService } from './aggregates/aggregates.service.js';
import { AggregationSettingsService } from './aggregates/aggregation-settings.service.js';
import { EvidenceService } from './aggregates/evidence.service.js';
import { GroupsController } from './groups/groups.controller.js';
import { GroupsService } from './groups/groups.service.js';
import { HealthController } from './health/health.controller.js';
import { ImportBodyParser } from './imports/import-body.parser.js';
import { ImportsController } from './imports/imports.controller.js';
import { ImportsService } from './imports/imports.service.js';
import { InstrumentsController } from './instruments/instruments.controller.js';
import { InstrumentsService } from './instruments/instruments.service.js';
import { JobsModule } from '#jobs';
import { OrgUnitsController } from './org-units/org-units.controller.js';
import { IdempotencyService } from './common/idempotency.js';
import { ResponseReadsService } from './responses/response-reads.service.js';
import { ResponsesController } from './responses/responses.controller.js';
import { ResponsesService } from './responses/responses.service.js';
import { WEB_CONTROLLERS, WEB_PROVIDERS } from './web/web-controllers.js';
import { REPORT_CONTROLLERS, REPORT_PROVIDERS } from './reports/report-routes.js';

export interface ApiModuleOptions {
  databaseUrl: string;
  redisUrl?: string;
  /** Replaces the clock (tests freeze today's date). */
  clock?: Clock;
}

@Module({})
export class AppModule {
  static forRoot(opts: ApiModuleOptions): DynamicModule {
    return {
      module: AppModule,
      imports: [
        DiscoveryModule,
        DatabaseModule.forRoot(opts.databaseUrl, { applicationName: 'matpunkt-api', poolSize: 20 }),
        JobsModule.forRoot({ redisUrl: opts.redisUrl, databaseUrl: opts.databaseUrl }),
        AuthModule,
        OidcModule,
        LogReviewModule,
        RetentionModule,
      ],
      controllers: [AdminController, HealthController, OrgUnitsController, ClientsController, InstrumentsController, MethodsController, EpisodesController, GoalsController, NotesController, ResponsesController, ImportsController, AggregatesController, GroupsController, ...REPORT_CONTROLLERS, ...WEB_CONTROLLERS],
      providers: [
        AggregatesService,
        EvidenceService,
        AggregationSettingsService,
        GroupsService,
        AdminService,
        ClientsService,
        InstrumentsService,
        MethodsService,
        EpisodesService,
        WorklistService,
        GoalsService,
        GoalAttainmentService,
        OccasionNotesService,
        UnitNotesService,
        IdempotencyService,
        ResponsesService,
        ResponseReadsService,
        ImportsService,
        ImportBodyParser,
        ...WEB_PROVIDERS,
        ...REPORT_PROVIDERS,
        { provide: Clock, useValue: opts.clock ?? new Clock() },
        { provide: APP_PIPE, useFactory: createValidationPipe },
        { provide: APP_FILTER, useClass: ErrorFilter },
      ],
    };
  }
}
