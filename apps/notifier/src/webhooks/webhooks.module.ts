import { type DynamicModule, Module } from '@nestjs/common';
import { busRetentionPolicy } from '@bridge/messaging';
import type { NotifierEnv } from '../notifier.config';
import { DeliveriesRepository } from './deliveries/deliveries.repository';
import { DeliveriesService } from './deliveries/deliveries.service';
import { DeliveryBody } from './deliveries/delivery-body';
import { DeliveryRecorder } from './deliveries/delivery-recorder';
import { DeliveryWorker } from './deliveries/delivery.worker';
import { WebhookEventsHandler } from './deliveries/webhook-events.handler';
import { WebhookSender } from './deliveries/webhook-sender';
import { WebhookRetentionJob } from './retention/webhook-retention.job';
import { WebhookRetentionRepository } from './retention/webhook-retention.repository';
import { SubscriptionsService } from './subscriptions/subscriptions.service';
import { WebhookRoutes } from './subscriptions/webhook-routes';
import { WebhooksHandler } from './subscriptions/webhooks.handler';
import { WEBHOOK_OPTIONS, webhookOptionsOf } from './webhook.options';

/** Webhook subscriptions and their signed deliveries (PRODUCT.md "Beyond the seed", Webhooks). */
@Module({})
export class WebhooksModule {
  static forRoot(config: NotifierEnv): DynamicModule {
    return {
      module: WebhooksModule,
      controllers: [WebhooksHandler, WebhookEventsHandler],
      providers: [
        { provide: WEBHOOK_OPTIONS, useValue: webhookOptionsOf(config) },
        SubscriptionsService,
        WebhookRoutes,
        DeliveriesRepository,
        DeliveriesService,
        DeliveryRecorder,
        DeliveryBody,
        WebhookSender,
        DeliveryWorker,
        WebhookRetentionRepository,
        WebhookRetentionJob,
        busRetentionPolicy,
      ],
    };
  }
}
