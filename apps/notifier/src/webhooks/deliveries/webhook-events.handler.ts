import { Controller } from '@nestjs/common';
import type {
  AlertChangedEventV1,
  CareFlowChangedEventV1,
  EventName,
  PatientEventOrderV1,
  PatientUpsertedEventV1,
  SubscriptionQueue,
} from '@bridge/contracts';
import { Inbox, type EventConsumerOptions, type MessageContext } from '@bridge/messaging';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { DeliveryRecorder, type WebhookEvent } from './delivery-recorder';

/** The position fields only: the receiver's body never carries them. */
const orderOf = ({
  patientPosition,
  previousPatientPosition,
}: PatientEventOrderV1): WebhookEvent['order'] => ({
  patientPosition,
  previousPatientPosition,
});

/**
 * Recording is one short transaction; retries ride out a database restart, then the DLQ keeps the event.
 * `byHospital`: only the hospitals with webhooks are routed to these queues (WebhookRoutes).
 */
const consumer = (queue: SubscriptionQueue) =>
  ({ queue, maxAttempts: 8, backoffMs: 500, byHospital: true }) as const satisfies EventConsumerOptions;

export const PATIENT_UPSERTED_CONSUMER = consumer('notifier.webhooks.patient-upserted');
export const CAREFLOW_CHANGED_CONSUMER = consumer('notifier.webhooks.careflow-changed');
export const ALERT_CHANGED_CONSUMER = consumer('notifier.webhooks.alert-changed');

const PATIENT_UPSERTED = 'patients.patient.upserted.v1' satisfies EventName;
const CAREFLOW_CHANGED = 'careflows.careflow.changed.v1' satisfies EventName;
const ALERT_CHANGED = 'alerts.alert.changed.v1' satisfies EventName;

/** The events handled below with their queues: what WebhookRoutes routes a hospital to. */
export const WEBHOOK_EVENT_QUEUES = [
  { event: PATIENT_UPSERTED, queue: PATIENT_UPSERTED_CONSUMER.queue },
  { event: CAREFLOW_CHANGED, queue: CAREFLOW_CHANGED_CONSUMER.queue },
  { event: ALERT_CHANGED, queue: ALERT_CHANGED_CONSUMER.queue },
] as const;

/** The platform events webhooks tell hospitals about, each recorded once (inbox) as pending deliveries. */
@Controller()
export class WebhookEventsHandler {
  constructor(
    private readonly inbox: Inbox,
    private readonly recorder: DeliveryRecorder,
  ) {}

  @EventPattern(PATIENT_UPSERTED, PATIENT_UPSERTED_CONSUMER)
  async patientUpserted(
    @Payload() event: PatientUpsertedEventV1,
    @Ctx() context: MessageContext,
  ): Promise<void> {
    await this.apply(PATIENT_UPSERTED_CONSUMER.queue, context, {
      hospitalId: event.hospitalId,
      type: event.created ? 'patient.created' : 'patient.updated',
      orderingKey: `patient:${event.patientId}`,
      sourceMessageId: context.messageId,
      data: { patientId: event.patientId, source: event.source },
      order: orderOf(event),
    });
  }

  @EventPattern(CAREFLOW_CHANGED, CAREFLOW_CHANGED_CONSUMER)
  async careFlowChanged(
    @Payload() event: CareFlowChangedEventV1,
    @Ctx() context: MessageContext,
  ): Promise<void> {
    await this.apply(CAREFLOW_CHANGED_CONSUMER.queue, context, {
      hospitalId: event.hospitalId,
      type: `careflow.${event.change}`,
      orderingKey: `patient:${event.patientId}`,
      sourceMessageId: context.messageId,
      data: {
        patientId: event.patientId,
        careFlowId: event.careFlowId,
        definitionKey: event.definitionKey,
        ...(event.appointmentId ? { appointmentId: event.appointmentId } : {}),
      },
      order: orderOf(event),
    });
  }

  @EventPattern(ALERT_CHANGED, ALERT_CHANGED_CONSUMER)
  async alertChanged(@Payload() event: AlertChangedEventV1, @Ctx() context: MessageContext): Promise<void> {
    await this.apply(ALERT_CHANGED_CONSUMER.queue, context, {
      hospitalId: event.hospitalId,
      type: event.state === 'open' ? 'alert.opened' : 'alert.resolved',
      orderingKey: `alert:${event.alertId}`,
      sourceMessageId: context.messageId,
      data: {
        alertId: event.alertId,
        kind: event.kind,
        state: event.state,
        openedAt: event.openedAt,
        ...(event.resolvedAt ? { resolvedAt: event.resolvedAt } : {}),
        detail: event.detail,
      },
    });
  }

  private async apply(queue: string, context: MessageContext, event: WebhookEvent): Promise<void> {
    if (!(await this.recorder.hasSubscriptions(event.hospitalId))) return;
    await this.inbox.once(queue, context, (manager) => this.recorder.record(manager, event));
  }
}
