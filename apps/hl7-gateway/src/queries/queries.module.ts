import { Module } from '@nestjs/common';
import { ConnectionsModule } from '../connections/connections.module';
import { JournalModule } from '../journal/journal.module';
import { QueriesHandler } from './queries.handler';
import { QueriesService } from './queries.service';

@Module({
  imports: [ConnectionsModule, JournalModule],
  controllers: [QueriesHandler],
  providers: [QueriesService],
})
export class QueriesModule {}
