import type { RequestClasses } from '../common/rpc';

/** Webhook subscriptions and deliveries (notifier). */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- its patterns arrive with the feature
export interface WebhooksRpc {}

export const WEBHOOKS_RPC_CLASSES: RequestClasses<WebhooksRpc> = {};
