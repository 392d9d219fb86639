import { Module } from '@nestjs/common';
import { MessagesModule } from '../messages/messages.module';
import { ReprocessJobsHandler } from './reprocess-jobs.handler';
import { ReprocessJobsRepository } from './reprocess-jobs.repository';
import { ReprocessJobsService } from './reprocess-jobs.service';

/** Bulk reprocess jobs: replay the failed SIU messages matching a filter, with progress. */
@Module({
  imports: [MessagesModule],
  controllers: [ReprocessJobsHandler],
  providers: [ReprocessJobsRepository, ReprocessJobsService],
})
export class ReprocessJobsModule {}
