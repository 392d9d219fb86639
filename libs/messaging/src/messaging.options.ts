export interface MessagingOptions {
  /** The service name prefixes its queues (`patient-import.…`). */
  service: string;
  /** The PostgreSQL schema holding this service's outbox and inbox tables. */
  schema: string;
  rpcTimeoutMs: number;
  /** The outbox relay's pace while rows are being written or are pending. */
  outboxPollMs: number;
  /**
   * Its pace otherwise (at least outboxPollMs): an idle platform's polls were most of its idle CPU. A row this
   * process writes brings the fast pace back at once (Outbox.onWrite), so this bounds only how late
   * a row written without telling the relay (another instance's, one left by a crash) is seen.
   */
  outboxIdlePollMs: number;
}

export const MESSAGING_OPTIONS = Symbol('MESSAGING_OPTIONS');
