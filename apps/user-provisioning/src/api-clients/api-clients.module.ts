import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { HospitalsModule } from '../hospitals/hospitals.module';
import { ApiClient } from './api-client.entity';
import { ApiClientsHandler } from './api-clients.handler';
import { ApiClientsService } from './api-clients.service';

@Module({
  imports: [TypeOrmModule.forFeature([ApiClient]), HospitalsModule],
  controllers: [ApiClientsHandler],
  providers: [ApiClientsService],
  exports: [ApiClientsService],
})
export class ApiClientsModule {}
