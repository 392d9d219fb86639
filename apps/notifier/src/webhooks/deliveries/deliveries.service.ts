import { Inject, Injectable } from '@nestjs/common';
import {
  DomainError,
  type ListWebhookDeliveriesRequestV1,
  type RedeliverWebhookRequestV1,
  type WebhookDeliveryPageV1,
  type WebhookDeliveryViewV1,
} from '@bridge/contracts';
import { SubscriptionsService } from '../subscriptions/subscriptions.service';
import { WEBHOOK_OPTIONS, type WebhookOptions } from '../webhook.options';
import { DeliveriesRepository, type DeliveryRow } from './deliveries.repository';

/** The delivery log of a subscription and redelivery; both only within the caller's hospital. */
@Injectable()
export class DeliveriesService {
  constructor(
    private readonly deliveries: DeliveriesRepository,
    private readonly subscriptions: SubscriptionsService,
    @Inject(WEBHOOK_OPTIONS) private readonly options: WebhookOptions,
  ) {}

  async page(request: ListWebhookDeliveriesRequestV1): Promise<WebhookDeliveryPageV1> {
    await this.subscriptions.get(request.hospitalId, request.webhookId); // WEBHOOK_NOT_FOUND across tenants
    const { total, rows } = await this.deliveries.page(request.hospitalId, request.webhookId, {
      limit: request.limit ?? 50,
      offset: request.offset ?? 0,
      ...(request.status ? { status: request.status } : {}),
    });
    return { total, deliveries: rows.map(deliveryView) };
  }

  async redeliver(request: RedeliverWebhookRequestV1): Promise<WebhookDeliveryViewV1> {
    await this.subscriptions.get(request.hospitalId, request.webhookId);
    const row = await this.deliveries.redeliver(
      request.hospitalId,
      request.webhookId,
      request.deliveryId,
      this.options.retryWindowMs,
    );
    if (!row)
      throw new DomainError('WEBHOOK_DELIVERY_NOT_FOUND', 'No such delivery of this webhook subscription.');
    return deliveryView(row);
  }
}

function deliveryView(row: DeliveryRow): WebhookDeliveryViewV1 {
  const id = (key: string) => {
    const value = row.data[key];
    return typeof value === 'string' ? { [key]: value } : {};
  };
  const last = row.last_attempt;
  return {
    id: row.id,
    webhookId: row.subscription_id,
    eventType: row.event_type,
    ...id('patientId'),
    ...id('careFlowId'),
    ...id('alertId'),
    status: row.status,
    attempts: row.attempts,
    createdAt: row.created_at.toISOString(),
    ...(row.status === 'pending' ? { nextAttemptAt: row.next_attempt_at.toISOString() } : {}),
    ...(row.delivered_at ? { deliveredAt: row.delivered_at.toISOString() } : {}),
    ...(last
      ? {
          lastAttempt: {
            attempt: last.attempt,
            at: new Date(last.at).toISOString(),
            durationMs: last.duration_ms,
            ...(last.response_status !== null ? { responseStatus: last.response_status } : {}),
            ...(last.response_excerpt !== null ? { responseExcerpt: last.response_excerpt } : {}),
            ...(last.error !== null ? { error: last.error } : {}),
          },
        }
      : {}),
  };
}
