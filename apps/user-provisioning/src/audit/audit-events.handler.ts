import { Controller } from '@nestjs/common';
import type {
  AuditEventsPageV1,
  ImportLookupAnsweredEventV1,
  ListAuditEventsRequestV1,
  RecordAuditEventsRequestV1,
  RecordAuditEventsResultV1,
} from '@bridge/contracts';
import type { EventConsumerOptions, MessageContext } from '@bridge/messaging';
import { Ctx, EventPattern, MessagePattern, Payload } from '@nestjs/microservices';
import { AuditEventsRepository } from './audit-events.repository';
import { AuditRecordsBatcher } from './audit-records.batcher';

/**
 * One INSERT per group delivered together (AuditRecordsBatcher); retries ride out a database restart, then
 * the DLQ keeps the event.
 */
export const IMPORT_LOOKUP_AUDIT_CONSUMER = {
  queue: 'user-provisioning.audit.import-lookups',
  maxAttempts: 8,
  backoffMs: 500,
} as const satisfies EventConsumerOptions;

@Controller()
export class AuditEventsHandler {
  constructor(
    private readonly events: AuditEventsRepository,
    private readonly batcher: AuditRecordsBatcher,
  ) {}

  /** With the records of the calls and lookups arriving alongside, in one INSERT (AuditRecordsBatcher). */
  @MessagePattern('audit.events.record.v1')
  async record(@Payload() request: RecordAuditEventsRequestV1): Promise<RecordAuditEventsResultV1> {
    await this.batcher.record(request.events);
    return { recorded: request.events.length };
  }

  /**
   * A lookup answered by patient-import (its outbox): recorded under the message's id, so a redelivery
   * records nothing the second time (no inbox row needed); with the lookups delivered alongside, in one INSERT.
   */
  @EventPattern('imports.lookup.answered.v1', IMPORT_LOOKUP_AUDIT_CONSUMER)
  async importLookupAnswered(
    @Payload() event: ImportLookupAnsweredEventV1,
    @Ctx() context: MessageContext,
  ): Promise<void> {
    await this.batcher.record([
      {
        id: context.messageId,
        hospitalId: event.hospitalId,
        actor: event.actor,
        action: 'import.lookup',
        resource: { type: 'import', id: event.importId },
        correlationId: context.correlationId,
        at: event.at,
      },
    ]);
  }

  @MessagePattern('audit.events.list.v1')
  list(@Payload() request: ListAuditEventsRequestV1): Promise<AuditEventsPageV1> {
    return this.events.page(request);
  }
}
