import type { NotifierEnv } from '../notifier.config';

export const WEBHOOK_OPTIONS = Symbol('WEBHOOK_OPTIONS');

export interface WebhookOptions {
  timeoutMs: number;
  retryBaseMs: number;
  retryWindowMs: number;
  pollMs: number;
  orderWaitMs: number;
  /** When webhook retention runs (RETENTION_CRON, UTC; `off`: never on this instance). */
  retentionCron: string;
}

export function webhookOptionsOf(config: NotifierEnv): WebhookOptions {
  return {
    timeoutMs: config.WEBHOOK_TIMEOUT_MS,
    retryBaseMs: config.WEBHOOK_RETRY_BASE_MS,
    retryWindowMs: config.WEBHOOK_RETRY_WINDOW_MS,
    pollMs: config.WEBHOOK_POLL_MS,
    orderWaitMs: config.WEBHOOK_ORDER_WAIT_MS,
    retentionCron: config.RETENTION_CRON,
  };
}
