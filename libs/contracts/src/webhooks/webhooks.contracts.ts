import type { Rpc, RequestClasses } from '../common/rpc';
import {
  CreateWebhookRequestV1,
  ListWebhookDeliveriesRequestV1,
  ListWebhooksRequestV1,
  RedeliverWebhookRequestV1,
  WebhookRequestV1,
  type WebhookCreatedV1,
  type WebhookDeliveryPageV1,
  type WebhookDeliveryViewV1,
  type WebhookListV1,
  type WebhookViewV1,
} from './webhooks.rpc.v1';

/** Webhook subscriptions and deliveries (notifier). */
export interface WebhooksRpc {
  'webhooks.subscription.create.v1': Rpc<CreateWebhookRequestV1, WebhookCreatedV1>;
  'webhooks.subscription.list.v1': Rpc<ListWebhooksRequestV1, WebhookListV1>;
  'webhooks.subscription.delete.v1': Rpc<WebhookRequestV1, WebhookViewV1>;
  'webhooks.delivery.list.v1': Rpc<ListWebhookDeliveriesRequestV1, WebhookDeliveryPageV1>;
  'webhooks.delivery.redeliver.v1': Rpc<RedeliverWebhookRequestV1, WebhookDeliveryViewV1>;
}

export const WEBHOOKS_RPC_CLASSES: RequestClasses<WebhooksRpc> = {
  'webhooks.subscription.create.v1': CreateWebhookRequestV1,
  'webhooks.subscription.list.v1': ListWebhooksRequestV1,
  'webhooks.subscription.delete.v1': WebhookRequestV1,
  'webhooks.delivery.list.v1': ListWebhookDeliveriesRequestV1,
  'webhooks.delivery.redeliver.v1': RedeliverWebhookRequestV1,
};
