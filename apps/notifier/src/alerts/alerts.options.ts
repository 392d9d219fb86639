export const ALERTS_OPTIONS = Symbol('ALERTS_OPTIONS');

export interface AlertsOptions {
  /** How often the rules are evaluated (ALERTS_EVALUATE_INTERVAL_MS); 0 turns the loop off. */
  evaluateIntervalMs: number;
  /** The subscription queues whose `<queue>.dlq` the dead-letters rule counts (ALERTS_DEAD_LETTER_QUEUES). */
  deadLetterQueues: string[];
}
