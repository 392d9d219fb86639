import { Controller } from '@nestjs/common';
import type {
  LoginLinkEventV1,
  PatientTraceRequestV1,
  PatientTraceV1,
  SubscriptionQueue,
} from '@bridge/contracts';
import { Inbox, type EventConsumerOptions, type MessageContext } from '@bridge/messaging';
import { Ctx, EventPattern, MessagePattern, Payload } from '@nestjs/microservices';
import { PatientTraceService } from './patient-trace.service';

/** One short transaction per link; retries ride out a database restart, then the DLQ keeps the event. */
const consumer = (queue: SubscriptionQueue) =>
  ({ queue, maxAttempts: 8, backoffMs: 500 }) as const satisfies EventConsumerOptions;

export const LOGIN_LINK_ISSUED_CONSUMER = consumer('patient-import.trace.login-link-issued');
export const LOGIN_LINK_USED_CONSUMER = consumer('patient-import.trace.login-link-used');

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

  @EventPattern('users.login-link.issued.v1', LOGIN_LINK_ISSUED_CONSUMER)
  async loginLinkIssued(@Payload() event: LoginLinkEventV1, @Ctx() context: MessageContext): Promise<void> {
    await this.inbox.once(LOGIN_LINK_ISSUED_CONSUMER.queue, context, (manager) =>
      this.trace.recordLoginLink(manager, event, 'issued'),
    );
  }

  @EventPattern('users.login-link.used.v1', LOGIN_LINK_USED_CONSUMER)
  async loginLinkUsed(@Payload() event: LoginLinkEventV1, @Ctx() context: MessageContext): Promise<void> {
    await this.inbox.once(LOGIN_LINK_USED_CONSUMER.queue, context, (manager) =>
      this.trace.recordLoginLink(manager, event, 'used'),
    );
  }
}
