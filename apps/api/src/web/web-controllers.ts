import type { Type } from '@nestjs/common';
import { ClientPagesController } from './client-pages.controller.js';
import { EpisodePagesController } from './episode-pages.controller.js';
import { FollowUpPagesController } from './follow-up-pages.controller.js';
import { InstrumentPagesController } from './instrument-pages.controller.js';
import { MethodPagesController } from './method-pages.controller.js';
import { QuestionnairePagesController } from './questionnaire-pages.controller.js';
import { SignInPageController } from './sign-in-page.controller.js';
import { StartPageController } from './start-page.controller.js';
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
];

/** Services only the pages use. */
export const WEB_PROVIDERS: Type[] = [];
