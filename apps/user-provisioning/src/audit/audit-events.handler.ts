import { Injectable } from '@nestjs/common';
import type {
  AuditEventsPageV1,
  ListAuditEventsRequestV1,
  RecordAuditEventsRequestV1,
  RecordAuditEventsResultV1,
} from '@bridge/contracts';
import { RpcHandler } from '@bridge/messaging';
import { AuditEventsRepository } from './audit-events.repository';

@Injectable()
export class AuditEventsHandler {
  constructor(private readonly events: AuditEventsRepository) {}

  @RpcHandler('audit.events.record.v1')
  async record(request: RecordAuditEventsRequestV1): Promise<RecordAuditEventsResultV1> {
    return { recorded: await this.events.append(request.events) };
  }

  @RpcHandler('audit.events.list.v1')
  list(request: ListAuditEventsRequestV1): Promise<AuditEventsPageV1> {
    return this.events.page(request);
  }
}
