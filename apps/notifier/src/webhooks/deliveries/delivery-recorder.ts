import { Inject, Injectable } from '@nestjs/common';
import type { WebhookEventType } from '@bridge/contracts';
import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { WEBHOOK_OPTIONS, type WebhookOptions } from '../webhook.options';

/** One platform event, as webhooks see it: ids only (PHI is fetched at delivery, for includePhi receivers). */
export interface WebhookEvent {
  hospitalId: string;
  type: WebhookEventType;
  /** Deliveries with the same key leave in the order they were recorded: `patient:<id>`, `alert:<id>`. */
  orderingKey: string;
  /** The bus message id: a redelivered event finds its deliveries already recorded. */
  sourceMessageId: string;
  data: Record<string, unknown>;
}

/**
 * Turns an event into one pending delivery per live subscription of its hospital that asked for its type,
 * inside the consumer's transaction (with its inbox row). Recordings of one ordering key are serialised by
 * an advisory lock, so a delivery's sequence is also its commit order and a worker never sees a later
 * delivery of a patient before an earlier one.
 */
@Injectable()
export class DeliveryRecorder {
  constructor(@Inject(WEBHOOK_OPTIONS) private readonly options: WebhookOptions) {}

  async record(manager: EntityManager, event: WebhookEvent): Promise<number> {
    const subscriptions: { id: string }[] = await manager.query(
      `SELECT id FROM notifier.webhook_subscriptions
       WHERE hospital_id = $1 AND deleted_at IS NULL AND $2 = ANY (events)`,
      [event.hospitalId, event.type],
    );
    if (subscriptions.length === 0) return 0;
    await manager.query(`SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, [
      `webhooks:${event.hospitalId}:${event.orderingKey}`,
    ]);
    let recorded = 0;
    for (const subscription of subscriptions) {
      const inserted: unknown[] = await manager.query(
        `INSERT INTO notifier.webhook_deliveries
           (id, subscription_id, hospital_id, source_message_id, event_type, ordering_key, data, occurred_at,
            next_attempt_at, give_up_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, clock_timestamp(), clock_timestamp(),
                 clock_timestamp() + make_interval(secs => $8::double precision / 1000))
         ON CONFLICT ON CONSTRAINT webhook_deliveries_once DO NOTHING
         RETURNING 1`,
        [
          randomUUID(),
          subscription.id,
          event.hospitalId,
          event.sourceMessageId,
          event.type,
          event.orderingKey,
          JSON.stringify({ hospitalId: event.hospitalId, ...event.data }),
          this.options.retryWindowMs,
        ],
      );
      recorded += inserted.length;
    }
    return recorded;
  }
}
