import { Module } from '@nestjs/common';
import { LogReviewController } from './log-review.controller.js';
import { LogReviewSamplesService } from './log-review-samples.service.js';
import { LogReviewService } from './log-review.service.js';

@Module({
  controllers: [LogReviewController],
  providers: [LogReviewService, LogReviewSamplesService],
})
export class LogReviewModule {}
