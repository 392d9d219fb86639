import { Module } from '@nestjs/common';
import { AuditEventsHandler } from './audit-events.handler';
import { AuditEventsRepository } from './audit-events.repository';
import { AuditLog } from './audit-log';

@Module({
  controllers: [AuditEventsHandler],
  providers: [AuditLog, AuditEventsRepository],
  exports: [AuditLog, AuditEventsRepository],
})
export class AuditModule {}
