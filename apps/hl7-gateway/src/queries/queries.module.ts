import { Module } from '@nestjs/common';
import { ConnectionsModule } from '../connections/connections.module';
import { JournalModule } from '../journal/journal.module';
import { QueriesHandler } from './queries.handler';
import { KeptConnections } from './kept-connections';
import { QueriesService } from './queries.service';

@Module({
  imports: [ConnectionsModule, JournalModule],
  controllers: [QueriesHandler],
  providers: [QueriesService, KeptConnections],
})
export class QueriesModule {}
