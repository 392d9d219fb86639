import { Inject, Injectable } from '@nestjs/common';
import type { WebhookEventType } from '@bridge/contracts';
import { randomUUID } from 'node:crypto';
import { DataSource, type EntityManager } from 'typeorm';
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
  /** A patient event's place in its patient's order (absent on events from before it existed). */
  order?: { patientPosition?: number; previousPatientPosition?: number };
}

/**
 * Turns an event into one pending delivery per live subscription of its hospital that asked for its type,
 * inside the consumer's transaction (with its inbox row). Recordings of one ordering key are serialised by
 * an advisory lock, so a delivery's sequence is also its commit order and a worker never sees a later
 * delivery of a patient before an earlier one.
 *
 * Patient and care-flow events come on two queues, so a patient's events of different types may arrive out
 * of order. For a hospital with webhooks, the recorder lists the position of every patient event it gets
 * (whether or not a subscription wants its type), and each delivery keeps its event's position and
 * predecessor: the claim orders a patient's deliveries by position and holds one until its predecessor is
 * listed, or until `orderWaitMs` have passed (a predecessor that never comes: pruned, lost).
 */
@Injectable()
export class DeliveryRecorder {
  constructor(
    @Inject(WEBHOOK_OPTIONS) private readonly options: WebhookOptions,
    private readonly dataSource: DataSource,
  ) {}

  /**
   * Whether the hospital has a live subscription. Most hospitals have none, and every push sends two events:
   * for those, the consumer skips the inbox transaction (nothing would be recorded, so a redelivery has
   * nothing to repeat). A subscription committed after this read misses the event, as it would after
   * `record`'s own read in the transaction.
   */
  async hasSubscriptions(hospitalId: string): Promise<boolean> {
    const rows: unknown[] = await this.dataSource.query(
      `SELECT 1 FROM notifier.webhook_subscriptions WHERE hospital_id = $1 AND deleted_at IS NULL LIMIT 1`,
      [hospitalId],
    );
    return rows.length > 0;
  }

  async record(manager: EntityManager, event: WebhookEvent): Promise<number> {
    const subscriptions: { id: string; wants: boolean }[] = await manager.query(
      `SELECT id, $2 = ANY (events) AS wants FROM notifier.webhook_subscriptions
       WHERE hospital_id = $1 AND deleted_at IS NULL`,
      [event.hospitalId, event.type],
    );
    const position = event.order?.patientPosition ?? null;
    const previous = event.order?.previousPatientPosition ?? null;
    const wanted = subscriptions.filter((candidate) => candidate.wants);
    // A hospital without webhooks: nothing to deliver, nothing to wait for.
    if (subscriptions.length === 0 || (wanted.length === 0 && position === null)) return 0;
    await manager.query(`SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, [
      `webhooks:${event.hospitalId}:${event.orderingKey}`,
    ]);
    if (position !== null) {
      await manager.query(
        `INSERT INTO notifier.webhook_patient_positions (hospital_id, position) VALUES ($1, $2)
         ON CONFLICT DO NOTHING`,
        [event.hospitalId, position],
      );
    }
    let recorded = 0;
    for (const subscription of wanted) {
      const inserted: unknown[] = await manager.query(
        `INSERT INTO notifier.webhook_deliveries
           (id, subscription_id, hospital_id, source_message_id, event_type, ordering_key, data, occurred_at,
            next_attempt_at, give_up_at, patient_position, previous_patient_position, hold_until)
         VALUES ($1, $2, $3, $4, $5, $6, $7, clock_timestamp(), clock_timestamp(),
                 clock_timestamp() + make_interval(secs => $8::double precision / 1000), $9, $10,
                 CASE WHEN $10::bigint IS NOT NULL
                   THEN clock_timestamp() + make_interval(secs => $11::double precision / 1000) END)
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
          position,
          previous,
          this.options.orderWaitMs,
        ],
      );
      recorded += inserted.length;
    }
    return recorded;
  }
}
