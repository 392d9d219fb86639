import { Controller } from '@nestjs/common';
import type {
  CreateWebhookRequestV1,
  ListWebhookDeliveriesRequestV1,
  ListWebhooksRequestV1,
  RedeliverWebhookRequestV1,
  WebhookCreatedV1,
  WebhookDeliveryPageV1,
  WebhookDeliveryViewV1,
  WebhookListV1,
  WebhookRequestV1,
  WebhookViewV1,
} from '@bridge/contracts';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { DeliveriesService } from '../deliveries/deliveries.service';
import { SubscriptionsService } from './subscriptions.service';

@Controller()
export class WebhooksHandler {
  constructor(
    private readonly subscriptions: SubscriptionsService,
    private readonly deliveries: DeliveriesService,
  ) {}

  @MessagePattern('webhooks.subscription.create.v1')
  create(@Payload() request: CreateWebhookRequestV1): Promise<WebhookCreatedV1> {
    return this.subscriptions.create(request);
  }

  @MessagePattern('webhooks.subscription.list.v1')
  list(@Payload() request: ListWebhooksRequestV1): Promise<WebhookListV1> {
    return this.subscriptions.list(request.hospitalId);
  }

  @MessagePattern('webhooks.subscription.delete.v1')
  delete(@Payload() request: WebhookRequestV1): Promise<WebhookViewV1> {
    return this.subscriptions.delete(request.hospitalId, request.webhookId);
  }

  @MessagePattern('webhooks.delivery.list.v1')
  deliveriesPage(@Payload() request: ListWebhookDeliveriesRequestV1): Promise<WebhookDeliveryPageV1> {
    return this.deliveries.page(request);
  }

  @MessagePattern('webhooks.delivery.redeliver.v1')
  redeliver(@Payload() request: RedeliverWebhookRequestV1): Promise<WebhookDeliveryViewV1> {
    return this.deliveries.redeliver(request);
  }
}
