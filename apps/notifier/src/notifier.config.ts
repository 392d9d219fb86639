import { IsInt, IsString, Matches, Max, Min } from 'class-validator';
import { SecretsDataServiceEnv } from '@bridge/config';

/**
 * The environment of notifier: every data service's variables plus SECRETS_KEY (webhook signing
 * secrets are sealed at rest).
 */
export class NotifierEnv extends SecretsDataServiceEnv {
  /** How often alert rules are evaluated (one instance at a time); 0 turns evaluation off. */
  @IsInt() @Min(0) @Max(3_600_000) ALERTS_EVALUATE_INTERVAL_MS: number = 30_000;
  /**
   * Comma-separated subscription queues whose `<queue>.dlq` the dead-letters rule counts (RabbitMQ cannot
   * list queues over AMQP). Add a queue here when a service subscribes to a new one.
   */
  @IsString()
  @Matches(/^[a-z0-9.-]+(,[a-z0-9.-]+)*$/, { message: 'must be comma-separated queue names' })
  ALERTS_DEAD_LETTER_QUEUES: string = 'siu-ingestor.process';
}
