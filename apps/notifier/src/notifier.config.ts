import { IsInt, IsString, Matches, Max, Min } from 'class-validator';
import { SecretsDataServiceEnv } from '@bridge/config';
import { EVENT_SUBSCRIPTIONS } from '@bridge/contracts';

/**
 * The environment of notifier: every data service's variables plus SECRETS_KEY (webhook signing
 * secrets are sealed at rest) and the webhook delivery settings.
 */
export class NotifierEnv extends SecretsDataServiceEnv {
  /** How often alert rules are evaluated (one instance at a time); 0 turns evaluation off. */
  @IsInt() @Min(0) @Max(3_600_000) ALERTS_EVALUATE_INTERVAL_MS: number = 30_000;
  /**
   * Comma-separated subscription queues whose `<queue>.dlq` the dead-letters rule counts (RabbitMQ cannot
   * list queues over AMQP). By default every queue of libs/contracts EVENT_SUBSCRIPTIONS.
   */
  @IsString()
  @Matches(/^[a-z0-9.-]+(,[a-z0-9.-]+)*$/, { message: 'must be comma-separated queue names' })
  ALERTS_DEAD_LETTER_QUEUES: string = Object.keys(EVENT_SUBSCRIPTIONS).join(',');
  /** How long one webhook delivery may take (connect, send, first bytes of the answer). */
  @IsInt() @Min(100) @Max(60_000) WEBHOOK_TIMEOUT_MS: number = 10_000;
  /** First retry delay; each retry doubles it (capped at one hour), with jitter. */
  @IsInt() @Min(10) @Max(3_600_000) WEBHOOK_RETRY_BASE_MS: number = 10_000;
  /** How long a delivery is retried before it is marked failed (PRODUCT.md: 24 h). */
  @IsInt() @Min(1000) @Max(7 * 86_400_000) WEBHOOK_RETRY_WINDOW_MS: number = 86_400_000;
  /**
   * How long a patient's delivery waits for the event before it (by its previousPatientPosition) when that
   * one has not arrived; then it goes anyway, logged and counted (the event may have been pruned or lost).
   */
  @IsInt() @Min(0) @Max(3_600_000) WEBHOOK_ORDER_WAIT_MS: number = 60_000;
  /** How often an idle delivery worker looks for due deliveries. */
  @IsInt() @Min(10) @Max(60_000) WEBHOOK_POLL_MS: number = 1000;
}
