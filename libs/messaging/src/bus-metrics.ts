import { ServiceMetrics } from '@bridge/observability';

export type BusMessageKind = 'event' | 'rpc';

/**
 * The bus series of one service (PRODUCT.md "Metrics"), by pattern: published (events as confirmed by the
 * broker, RPC requests as sent), consumed (handler outcome), retried and dead-lettered (event deliveries).
 * Patterns are the contracts' names, a bounded set.
 */
export class BusMetrics {
  private readonly publishedTotal;
  private readonly consumedTotal;
  private readonly retriedTotal;
  private readonly deadLetteredTotal;

  constructor(readonly service: string) {
    const metrics = new ServiceMetrics(service);
    this.publishedTotal = metrics.counter({
      name: 'bridge_bus_messages_published_total',
      help: 'Bus messages sent: events confirmed by the broker and RPC requests, by pattern.',
      labelNames: ['pattern', 'kind'],
    });
    this.consumedTotal = metrics.counter({
      name: 'bridge_bus_messages_consumed_total',
      help: 'Bus messages handled, by pattern and outcome (ok, error).',
      labelNames: ['pattern', 'kind', 'outcome'],
    });
    this.retriedTotal = metrics.counter({
      name: 'bridge_bus_messages_retried_total',
      help: 'Event deliveries that failed and were sent back for a later attempt, by pattern.',
      labelNames: ['pattern'],
    });
    this.deadLetteredTotal = metrics.counter({
      name: 'bridge_bus_messages_dead_lettered_total',
      help: 'Event deliveries given up (attempts used up or poison) and dead-lettered, by pattern.',
      labelNames: ['pattern'],
    });
  }

  published(pattern: string, kind: BusMessageKind): void {
    this.publishedTotal.inc({ pattern, kind });
  }

  consumed(pattern: string, kind: BusMessageKind, outcome: 'ok' | 'error'): void {
    this.consumedTotal.inc({ pattern, kind, outcome });
  }

  retried(pattern: string): void {
    this.retriedTotal.inc({ pattern });
  }

  deadLettered(pattern: string): void {
    this.deadLetteredTotal.inc({ pattern });
  }
}
