import { type DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_PIPE, DiscoveryModule } from '@nestjs/core';
import { AuthModule } from './auth/auth.module.js';
import { AdminController } from './admin/admin.controller.js';
import { AdminService } from './admin/admin.service.js';
import { Clock } from './common/clock.js';
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
import { HealthController } from './health/health.controller.js';
import { InstrumentsController } from './instruments/instruments.controller.js';
import { InstrumentsService } from './instruments/instruments.service.js';
import { JobsModule } from '#jobs';
import { OrgUnitsController } from './org-units/org-units.controller.js';

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
      ],
      controllers: [AdminController, HealthController, OrgUnitsController, ClientsController, InstrumentsController, MethodsController, EpisodesController],
      providers: [
        AdminService,
        ClientsService,
        InstrumentsService,
        MethodsService,
        EpisodesService,
        WorklistService,
        { provide: Clock, useValue: opts.clock ?? new Clock() },
        { provide: APP_PIPE, useFactory: createValidationPipe },
        { provide: APP_FILTER, useClass: ErrorFilter },
      ],
    };
  }
}
