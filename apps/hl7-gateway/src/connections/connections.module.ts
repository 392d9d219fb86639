import { Module } from '@nestjs/common';
import { ConnectionsHandler } from './connections.handler';
import { ConnectionsRepository } from './connections.repository';
import { ConnectionsService } from './connections.service';

@Module({
  controllers: [ConnectionsHandler],
  providers: [ConnectionsRepository, ConnectionsService],
  exports: [ConnectionsService],
})
export class ConnectionsModule {}
