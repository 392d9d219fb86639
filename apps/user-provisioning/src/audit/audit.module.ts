import { Module } from '@nestjs/common';
import { AuditEventsHandler } from './audit-events.handler';
import { AuditEventsRepository } from './audit-events.repository';
import { AuditLog } from './audit-log';

@Module({
  providers: [AuditLog, AuditEventsRepository, AuditEventsHandler],
  exports: [AuditLog, AuditEventsRepository],
})
export class AuditModule {}
