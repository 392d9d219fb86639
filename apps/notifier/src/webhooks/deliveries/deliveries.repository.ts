import { Injectable } from '@nestjs/common';
import type { WebhookDeliveryStatus, WebhookEventType } from '@bridge/contracts';
import type { SealedSecret } from '@bridge/database';
import { DataSource } from 'typeorm';
import type { SendOutcome } from './webhook-sender';

/** A delivery claimed by this worker, with what sending it needs. */
export interface ClaimedDelivery {
  id: string;
  hospitalId: string;
  subscriptionId: string;
  url: string;
  includePhi: boolean;
  secret: SealedSecret;
  eventType: WebhookEventType;
  data: Record<string, unknown>;
  occurredAt: Date;
  /** This attempt's number (1 first); the outcome is written only if nobody claimed it since. */
  attempt: number;
  giveUpAt: Date;
  /** First attempt of a delivery sent without its predecessor: that event did not come in time. */
  orderWaitExpired: boolean;
}

export interface DeliveryRow {
  id: string;
  subscription_id: string;
  event_type: WebhookEventType;
  data: Record<string, unknown>;
  status: WebhookDeliveryStatus;
  attempts: number;
  created_at: Date;
  next_attempt_at: Date;
  delivered_at: Date | null;
  last_attempt: {
    attempt: number;
    at: string;
    duration_ms: number;
    response_status: number | null;
    response_excerpt: string | null;
    error: string | null;
  } | null;
}

const DELIVERY_COLUMNS = `d.id, d.subscription_id, d.event_type, d.data, d.status, d.attempts, d.created_at,
  d.next_attempt_at, d.delivered_at,
  (SELECT row_to_json(a) FROM notifier.webhook_attempts a WHERE a.delivery_id = d.id ORDER BY a.attempt DESC LIMIT 1)
    AS last_attempt`;

/**
 * `earlier` comes before `d` in its patient's order: by the events' positions when both have one (they
 * may arrive, hence be recorded, in another order), else as recorded. Alerts have no positions.
 */
const EARLIER_IN_ORDER = `CASE WHEN earlier.patient_position IS NOT NULL AND d.patient_position IS NOT NULL
  THEN earlier.patient_position < d.patient_position ELSE earlier.sequence < d.sequence END`;

/**
 * The event before `d` in its patient's order has reached notifier (its delivery, if any, is recorded): it is
 * listed, or at or below its hospital's watermark (listed once, pruned since: WebhookRetentionRepository).
 * Never NULL (positions start at 1): the claim's `order_wait_expired` negates it.
 */
const PREDECESSOR_RECORDED = `(EXISTS (SELECT 1 FROM notifier.webhook_patient_positions p
    WHERE p.hospital_id = d.hospital_id AND p.position = d.previous_patient_position)
  OR d.previous_patient_position <= COALESCE((SELECT w.position FROM notifier.webhook_position_watermarks w
    WHERE w.hospital_id = d.hospital_id), 0))`;

/** The named SQL of deliveries: claiming in order, recording outcomes, the log and redelivery. */
@Injectable()
export class DeliveriesRepository {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Claims due deliveries for `claimMs`, each the earliest pending one of its (subscription, ordering key):
   * a patient's later delivery waits while an earlier one is pending, whether due, retrying or claimed by
   * another instance. `FOR UPDATE SKIP LOCKED` lets instances claim side by side without taking the same row;
   * a claim that outlives a crashed instance expires and the delivery is tried again (at least once).
   * A delivery whose event's predecessor has not arrived is held until it does, or until `hold_until`.
   */
  async claim(limit: number, claimMs: number): Promise<ClaimedDelivery[]> {
    const [rows]: [Record<string, unknown>[], number] = await this.dataSource.query(
      `WITH due AS (
         SELECT d.id FROM notifier.webhook_deliveries d
         JOIN notifier.webhook_subscriptions s ON s.id = d.subscription_id AND s.deleted_at IS NULL
         WHERE d.status = 'pending' AND d.next_attempt_at <= now()
           AND (d.claimed_until IS NULL OR d.claimed_until < now())
           AND NOT EXISTS (
             SELECT 1 FROM notifier.webhook_deliveries earlier
             WHERE earlier.subscription_id = d.subscription_id AND earlier.ordering_key = d.ordering_key
               AND earlier.status = 'pending' AND ${EARLIER_IN_ORDER})
           AND (d.hold_until IS NULL OR d.hold_until <= now() OR ${PREDECESSOR_RECORDED})
         ORDER BY d.next_attempt_at, d.sequence
         LIMIT $1
         FOR UPDATE OF d SKIP LOCKED
       )
       UPDATE notifier.webhook_deliveries d
       SET claimed_until = clock_timestamp() + make_interval(secs => $2::double precision / 1000),
           attempts = d.attempts + 1
       FROM due, notifier.webhook_subscriptions s
       WHERE d.id = due.id AND s.id = d.subscription_id
       RETURNING d.id, d.hospital_id, d.subscription_id, s.url, s.include_phi, s.secret, d.event_type, d.data,
                 d.occurred_at, d.attempts, d.give_up_at,
                 (d.attempts = 1 AND d.hold_until IS NOT NULL AND NOT ${PREDECESSOR_RECORDED}) AS order_wait_expired`,
      [limit, claimMs],
    );
    return rows.map((row) => ({
      id: row.id as string,
      hospitalId: row.hospital_id as string,
      subscriptionId: row.subscription_id as string,
      url: row.url as string,
      includePhi: row.include_phi as boolean,
      secret: row.secret as SealedSecret,
      eventType: row.event_type as WebhookEventType,
      data: row.data as Record<string, unknown>,
      occurredAt: row.occurred_at as Date,
      attempt: row.attempts as number,
      giveUpAt: row.give_up_at as Date,
      orderWaitExpired: row.order_wait_expired as boolean,
    }));
  }

  /**
   * Records one attempt and its consequence in one transaction: delivered, retried at `retryAt`, or failed
   * when `retryAt` is past the delivery's 24 h. The consequence is written only while this worker's claim is
   * still the latest: a redelivery requested during the attempt (it clears the claim) must not be undone by
   * the attempt's outcome. The attempt itself is logged while the delivery is still on it, redelivered or not.
   */
  async recordOutcome(
    delivery: ClaimedDelivery,
    outcome: SendOutcome,
    retryAt: Date | undefined,
  ): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      const status = outcome.ok ? 'succeeded' : retryAt ? 'pending' : 'failed';
      await manager.query(
        `UPDATE notifier.webhook_deliveries
         SET status = $3, claimed_until = NULL,
             delivered_at = CASE WHEN $3 = 'succeeded' THEN clock_timestamp() ELSE delivered_at END,
             next_attempt_at = COALESCE($4::timestamptz, next_attempt_at)
         WHERE id = $1 AND attempts = $2 AND status = 'pending' AND claimed_until IS NOT NULL`,
        [delivery.id, delivery.attempt, status, retryAt ?? null],
      );
      await manager.query(
        `INSERT INTO notifier.webhook_attempts
           (delivery_id, attempt, duration_ms, response_status, response_excerpt, error)
         SELECT id, attempts, $3::integer, $4::integer, $5::text, $6::text
         FROM notifier.webhook_deliveries WHERE id = $1 AND attempts = $2
         ON CONFLICT DO NOTHING`,
        [
          delivery.id,
          delivery.attempt,
          outcome.durationMs,
          outcome.status ?? null,
          outcome.excerpt ?? null,
          outcome.error ?? null,
        ],
      );
    });
  }

  async page(
    hospitalId: string,
    subscriptionId: string,
    options: { limit: number; offset: number; status?: WebhookDeliveryStatus },
  ): Promise<{ total: number; rows: DeliveryRow[] }> {
    const filter = `d.hospital_id = $1 AND d.subscription_id = $2 AND ($3::text IS NULL OR d.status = $3)`;
    const parameters = [hospitalId, subscriptionId, options.status ?? null];
    const [{ total }]: { total: string }[] = await this.dataSource.query(
      `SELECT count(*) AS total FROM notifier.webhook_deliveries d WHERE ${filter}`,
      parameters,
    );
    const rows: DeliveryRow[] = await this.dataSource.query(
      `SELECT ${DELIVERY_COLUMNS} FROM notifier.webhook_deliveries d WHERE ${filter}
       ORDER BY d.sequence DESC LIMIT $4 OFFSET $5`,
      [...parameters, options.limit, options.offset],
    );
    return { total: Number(total), rows };
  }

  /**
   * Sends a delivery again, whatever became of it: pending from now, with a fresh 24 h, the same
   * `webhook-id`. Its place in its patient's order is kept (it goes before that patient's later pending ones).
   */
  async redeliver(
    hospitalId: string,
    subscriptionId: string,
    deliveryId: string,
    retryWindowMs: number,
  ): Promise<DeliveryRow | undefined> {
    const [changed]: [{ id: string }[], number] = await this.dataSource.query(
      `UPDATE notifier.webhook_deliveries d
       SET status = 'pending', next_attempt_at = clock_timestamp(), claimed_until = NULL,
           give_up_at = clock_timestamp() + make_interval(secs => $4::double precision / 1000)
       FROM notifier.webhook_subscriptions s
       WHERE d.id = $3 AND d.subscription_id = $2 AND d.hospital_id = $1
         AND s.id = d.subscription_id AND s.deleted_at IS NULL
       RETURNING d.id`,
      [hospitalId, subscriptionId, deliveryId, retryWindowMs],
    );
    if (changed.length === 0) return undefined;
    const [row]: DeliveryRow[] = await this.dataSource.query(
      `SELECT ${DELIVERY_COLUMNS} FROM notifier.webhook_deliveries d WHERE d.id = $1`,
      [deliveryId],
    );
    return row;
  }
}
