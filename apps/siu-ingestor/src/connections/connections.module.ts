import { Module } from '@nestjs/common';
import { SiuConnectionsHandler } from './siu-connections.handler';
import { SiuConnectionsRepository } from './siu-connections.repository';
import { SiuConnectionsService } from './siu-connections.service';

/** Each hospital's SIU connection: source, schedule and reading rules (PRODUCT.md connections/siu). */
@Module({
  providers: [SiuConnectionsRepository, SiuConnectionsService, SiuConnectionsHandler],
  exports: [SiuConnectionsRepository, SiuConnectionsService],
})
export class ConnectionsModule {}
