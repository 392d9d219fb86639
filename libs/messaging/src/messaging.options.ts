export interface MessagingOptions {
  /** The service name prefixes its queues (`patient-import.…`). */
  service: string;
  /** The PostgreSQL schema holding this service's outbox and inbox tables. */
  schema: string;
  rpcTimeoutMs: number;
  outboxPollMs: number;
}

export const MESSAGING_OPTIONS = Symbol('MESSAGING_OPTIONS');
