import type { RequestClasses } from '../common/rpc';

/** Webhook subscriptions and deliveries (notifier). */
export interface WebhooksRpc {}

export const WEBHOOKS_RPC_CLASSES: RequestClasses<WebhooksRpc> = {};
