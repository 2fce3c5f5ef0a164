import type { Type } from '@nestjs/common';
import { ClientPagesController } from './client-pages.controller.js';
import { DashboardPagesController } from './dashboard-pages.controller.js';
import { EpisodePagesController } from './episode-pages.controller.js';
import { EvidencePagesController } from './evidence-pages.controller.js';
import { FollowUpPagesController } from './follow-up-pages.controller.js';
import { GroupPagesController } from './group-pages.controller.js';
import { InstrumentPagesController } from './instrument-pages.controller.js';
import { MethodPagesController } from './method-pages.controller.js';
import { QuestionnairePagesController } from './questionnaire-pages.controller.js';
import { configureNavigation } from './render.js';
import { ResultsPagesController } from './results-pages.controller.js';
import { SignInPageController } from './sign-in-page.controller.js';
import { StartPageController } from './start-page.controller.js';
import { UnitNotePagesController } from './unit-note-pages.controller.js';
import { UserAdminPagesController } from './user-admin-pages.controller.js';
import { WorklistPageController } from './worklist-page.controller.js';

/** The server-rendered pages: Nest controllers like the API's, served outside the /api/v1 prefix. */
export const WEB_CONTROLLERS: Type[] = [
  SignInPageController,
  StartPageController,
  WorklistPageController,
  ClientPagesController,
  EpisodePagesController,
  QuestionnairePagesController,
  FollowUpPagesController,
  InstrumentPagesController,
  MethodPagesController,
  DashboardPagesController,
  EvidencePagesController,
  UnitNotePagesController,
  GroupPagesController,
  ResultsPagesController,
  UserAdminPagesController,
];

// The result and user-admin pages are in this build: the navigation and the start pages link to them.
configureNavigation({ aggregates: true, userAdmin: true });

/** Services only the pages use. */
export const WEB_PROVIDERS: Type[] = [];
