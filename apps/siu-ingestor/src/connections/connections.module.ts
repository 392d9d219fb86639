import { Module } from '@nestjs/common';
import { SiuConnectionsHandler } from './siu-connections.handler';
import { SiuConnectionsRepository } from './siu-connections.repository';
import { SiuConnectionsService } from './siu-connections.service';
import { SiuReach } from './siu-reach';

/** Each hospital's SIU connection: source, schedule and reading rules (PRODUCT.md connections/siu). */
@Module({
  controllers: [SiuConnectionsHandler],
  providers: [SiuConnectionsRepository, SiuConnectionsService, SiuReach],
  exports: [SiuConnectionsRepository, SiuConnectionsService],
})
export class ConnectionsModule {}
