import type { SubscriptionQueue } from '@bridge/contracts';

/**
 * The delivery settings of an event handler, given as `@EventPattern`'s extras:
 *
 *   @EventPattern('siu.message.received.v1', { queue: 'siu-ingestor.process', maxAttempts: 8 })
 *
 * `queue` is required (the server refuses to start without it): it names the durable queue every
 * instance of the service competes on, so it must be stable across deploys. It is listed, with its event
 * and `byHospital`, in libs/contracts EVENT_SUBSCRIPTIONS, which every publisher declares too (the server
 * refuses a handler that does not match its entry).
 */
export interface EventConsumerOptions {
  /** Durable queue, `<service>.<purpose>`; every instance of the service competes on it. */
  queue: SubscriptionQueue;
  /** Deliveries in flight per instance. Default 16. */
  prefetch?: number;
  /** Attempts including the first; after the last failure the message goes to `<queue>.dlq`. Default 5. */
  maxAttempts?: number;
  /** Delay before retry n is backoffMs * 2^(n-1). Default 200. */
  backoffMs?: number;
  /**
   * For an event routed by hospital (EVENTS_ROUTED_BY_HOSPITAL): only the hospitals the service routes to
   * the queue with `Bus.routeHospitals` reach it; the broker drops the rest unstored (libs/messaging routing.ts).
   */
  byHospital?: boolean;
}

export const EVENT_CONSUMER_DEFAULTS = { prefetch: 16, maxAttempts: 5, backoffMs: 200 } as const;
