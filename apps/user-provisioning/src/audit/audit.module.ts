import { Module } from '@nestjs/common';
import { AuditEventsHandler } from './audit-events.handler';
import { AuditEventsRepository } from './audit-events.repository';
import { AuditLog } from './audit-log';
import { AuditRecordsBatcher } from './audit-records.batcher';

@Module({
  controllers: [AuditEventsHandler],
  providers: [AuditLog, AuditEventsRepository, AuditRecordsBatcher],
  exports: [AuditLog, AuditEventsRepository],
})
export class AuditModule {}
