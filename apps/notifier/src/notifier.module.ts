import { type DynamicModule, Module } from '@nestjs/common';
import { ScheduleModule } from '@nestjs/schedule';
import { DestinationPolicyModule } from '@bridge/config';
import { DatabaseModule, SecretBox, SecretBoxModule, connectionFromEnv } from '@bridge/database';
import {
  healthHandler,
  MessagingModule,
  messagingTablesMigration,
  outboxGroupedEventsMigration,
  outboxLogMigration,
} from '@bridge/messaging';
import { ObservabilityModule } from '@bridge/observability';
import type { MigrationInterface } from 'typeorm';
import { AlertsModule, ALERTS_MIGRATIONS } from './alerts/alerts.module';
import { Webhooks1796228439410 } from './migrations/1796228439410-webhooks';
import { WebhookPatientOrder1796250000000 } from './migrations/1796250000000-webhook-patient-order';
import { WebhookPositionWatermarks1796250000002 } from './migrations/1796250000002-webhook-position-watermarks';
import type { NotifierEnv } from './notifier.config';
import { WebhooksModule } from './webhooks/webhooks.module';

export const NOTIFIER_SCHEMA = 'notifier';

/** notifier's migrations, in order (also run by the medium tests of its repositories). */
export function notifierMigrations(): (new () => MigrationInterface)[] {
  return [
    messagingTablesMigration(NOTIFIER_SCHEMA),
    ...ALERTS_MIGRATIONS,
    Webhooks1796228439410,
    WebhookPatientOrder1796250000000,
    WebhookPositionWatermarks1796250000002,
    outboxLogMigration(NOTIFIER_SCHEMA),
    outboxGroupedEventsMigration(NOTIFIER_SCHEMA),
  ];
}

/**
 * Telling the outside world: webhook subscriptions and their signed deliveries, alert rules and the
 * alerts they open and resolve. Feature modules (webhooks/, alerts/) are listed under `imports`.
 */
@Module({})
export class NotifierModule {
  static forRoot(config: NotifierEnv): DynamicModule {
    const box = SecretBox.fromConfig(config);
    return {
      module: NotifierModule,
      imports: [
        ObservabilityModule.forService('notifier', config),
        DatabaseModule.forService({
          schema: NOTIFIER_SCHEMA,
          ...connectionFromEnv(config),
          entities: [],
          migrations: notifierMigrations(),
        }),
        SecretBoxModule.forService(box),
        MessagingModule.forService({
          service: 'notifier',
          schema: NOTIFIER_SCHEMA,
          amqpUrl: config.AMQP_URL,
          rpcTimeoutMs: config.RPC_TIMEOUT_MS,
          persistence: true,
        }),
        ScheduleModule.forRoot(),
        // Webhook receivers are outbound destinations like any hospital system.
        DestinationPolicyModule.forService(config),
        AlertsModule.register({
          evaluateIntervalMs: config.ALERTS_EVALUATE_INTERVAL_MS,
          deadLetterQueues: config.ALERTS_DEAD_LETTER_QUEUES.split(',')
            .map((queue) => queue.trim())
            .filter(Boolean),
        }),
        WebhooksModule.forRoot(config),
      ],
      controllers: [healthHandler('notifier')],
    };
  }
}
