import {
  type BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { ServiceMetrics } from '@bridge/observability';
import { SubscriptionsService } from '../subscriptions/subscriptions.service';
import { signatureHeaders } from '../webhook-signature';
import { WEBHOOK_OPTIONS, type WebhookOptions } from '../webhook.options';
import { DeliveriesRepository, type ClaimedDelivery } from './deliveries.repository';
import { DeliveryBody } from './delivery-body';
import type { SendOutcome } from './webhook-sender';
import { WebhookSender } from './webhook-sender';

/** Deliveries sent side by side per instance (each to its own receiver or patient). */
const BATCH = 16;
/** The longest retry delay, before jitter. */
const MAX_DELAY_MS = 3_600_000;

/**
 * Exponential backoff with jitter: attempt n waits between half and all of base * 2^(n-1) (capped at an
 * hour), so receivers that failed together are not retried together.
 */
export function retryDelayMs(attempt: number, baseMs: number, random: () => number = Math.random): number {
  const delay = Math.min(baseMs * 2 ** Math.max(0, attempt - 1), MAX_DELAY_MS);
  return Math.round(delay / 2 + random() * (delay / 2));
}

/**
 * Sends due deliveries: claims a batch (in order per patient, safe across instances), signs and posts each,
 * records the answer, and retries with backoff until the delivery's 24 h are over, then marks it failed.
 */
@Injectable()
export class DeliveryWorker implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(DeliveryWorker.name);
  private running = false;
  private loop: Promise<void> | undefined;
  private wake: (() => void) | undefined;
  private readonly orderWaitsExpired;

  constructor(
    private readonly deliveries: DeliveriesRepository,
    private readonly subscriptions: SubscriptionsService,
    private readonly body: DeliveryBody,
    private readonly sender: WebhookSender,
    @Inject(WEBHOOK_OPTIONS) private readonly options: WebhookOptions,
    metrics: ServiceMetrics,
  ) {
    this.orderWaitsExpired = metrics.counter({
      name: 'bridge_webhook_order_wait_expired_total',
      help: 'Patient deliveries sent before the event preceding them, which did not reach notifier within WEBHOOK_ORDER_WAIT_MS.',
      labelNames: ['hospital_id'],
    });
  }

  onApplicationBootstrap(): void {
    this.running = true;
    this.loop = this.run();
  }

  /** Before the database and bus close: the round in flight finishes and records its outcomes. */
  async beforeApplicationShutdown(): Promise<void> {
    this.running = false;
    this.wake?.();
    await this.loop;
  }

  private async run(): Promise<void> {
    while (this.running) {
      let claimed = 0;
      try {
        claimed = await this.sendBatch();
      } catch (error) {
        this.logger.warn({ msg: 'webhook delivery round failed', error: (error as Error).message });
      }
      // A round that found work looks again at once: a patient's next delivery may have just become due.
      if (claimed === 0 && this.running) await this.pause(this.options.pollMs);
    }
  }

  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.wake = () => (clearTimeout(timer), resolve());
    });
  }

  /** One round; answers how many deliveries it claimed. */
  async sendBatch(): Promise<number> {
    const claimMs = this.options.timeoutMs + 60_000;
    const batch = await this.deliveries.claim(BATCH, claimMs);
    await Promise.all(batch.map((delivery) => this.deliver(delivery)));
    return batch.length;
  }

  private async deliver(delivery: ClaimedDelivery): Promise<void> {
    if (delivery.orderWaitExpired) {
      this.orderWaitsExpired.inc({ hospital_id: delivery.hospitalId });
      this.logger.warn({
        msg: 'webhook delivery sent without the event before it (waited WEBHOOK_ORDER_WAIT_MS)',
        deliveryId: delivery.id,
        webhookId: delivery.subscriptionId,
        eventType: delivery.eventType,
      });
    }
    const outcome = await this.attempt(delivery);
    let retryAt: Date | undefined;
    if (!outcome.ok) {
      const next = new Date(Date.now() + retryDelayMs(delivery.attempt, this.options.retryBaseMs));
      retryAt = next <= delivery.giveUpAt ? next : undefined;
      // Ids and numbers only: the receiver's answer is in the delivery log, never in the service log.
      this.logger.log({
        msg: retryAt ? 'webhook delivery will be retried' : 'webhook delivery failed for good',
        deliveryId: delivery.id,
        webhookId: delivery.subscriptionId,
        attempt: delivery.attempt,
        responseStatus: outcome.status,
      });
    }
    await this.deliveries.recordOutcome(delivery, outcome, retryAt);
  }

  private async attempt(delivery: ClaimedDelivery): Promise<SendOutcome> {
    let body: string;
    try {
      body = await this.body.build(delivery);
    } catch {
      return {
        ok: false,
        durationMs: 0,
        error: "the patient's fields could not be read (patient-import unavailable)",
      };
    }
    const secret = this.subscriptions.openSecret(
      delivery.hospitalId,
      delivery.subscriptionId,
      delivery.secret,
    );
    const headers = signatureHeaders(secret, delivery.id, body);
    return this.sender.send(delivery.url, headers, body, this.options.timeoutMs);
  }
}
