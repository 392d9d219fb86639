import { Controller } from '@nestjs/common';
import type { LoginLinkIssuedEventV1, PatientTraceRequestV1, PatientTraceV1 } from '@bridge/contracts';
import { Inbox, type EventConsumerOptions, type MessageContext } from '@bridge/messaging';
import { Ctx, EventPattern, MessagePattern, Payload } from '@nestjs/microservices';
import { PatientTraceService } from './patient-trace.service';

/** One short transaction per link; retries ride out a database restart, then the DLQ keeps the event. */
export const LOGIN_LINK_TRACE_CONSUMER = {
  queue: 'patient-import.trace.login-links',
  maxAttempts: 8,
  backoffMs: 500,
} as const satisfies EventConsumerOptions;

@Controller()
export class PatientTraceHandler {
  constructor(
    private readonly trace: PatientTraceService,
    private readonly inbox: Inbox,
  ) {}

  @MessagePattern('patients.trace.v1')
  page(@Payload() request: PatientTraceRequestV1): Promise<PatientTraceV1> {
    return this.trace.trace(request);
  }

  @EventPattern('users.login-link.issued.v1', LOGIN_LINK_TRACE_CONSUMER)
  async loginLinkIssued(
    @Payload() event: LoginLinkIssuedEventV1,
    @Ctx() context: MessageContext,
  ): Promise<void> {
    await this.inbox.once(LOGIN_LINK_TRACE_CONSUMER.queue, context, (manager) =>
      this.trace.recordLoginLink(manager, event),
    );
  }
}
