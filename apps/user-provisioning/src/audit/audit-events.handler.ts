import { Controller } from '@nestjs/common';
import type {
  AuditEventsPageV1,
  ListAuditEventsRequestV1,
  RecordAuditEventsRequestV1,
  RecordAuditEventsResultV1,
} from '@bridge/contracts';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { AuditEventsRepository } from './audit-events.repository';

@Controller()
export class AuditEventsHandler {
  constructor(private readonly events: AuditEventsRepository) {}

  @MessagePattern('audit.events.record.v1')
  async record(@Payload() request: RecordAuditEventsRequestV1): Promise<RecordAuditEventsResultV1> {
    return { recorded: await this.events.append(request.events) };
  }

  @MessagePattern('audit.events.list.v1')
  list(@Payload() request: ListAuditEventsRequestV1): Promise<AuditEventsPageV1> {
    return this.events.page(request);
  }
}
