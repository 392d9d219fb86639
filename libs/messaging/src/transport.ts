/**
 * What the bus needs from a transport. Two implementations: RabbitMQ (production, one process per app)
 * and in-process (the embedded default). Both keep the same guarantees the apps rely on:
 * a handler's reply or ack happens only after it returned (so after its transaction committed),
 * failed event deliveries are retried with backoff a bounded number of times and then dead-lettered.
 */
import type { ErrorPayload } from '@bridge/contracts';

export interface MessageMeta {
  /** Unique per logical message; consumers use it for idempotency (inbox). Stable across redeliveries. */
  messageId: string;
  correlationId: string;
  /** 1 on first delivery, incremented by each retry. */
  attempt: number;
  /** W3C trace context of the sender (header `traceparent`); absent when tracing is off. */
  traceparent?: string;
}

/** Never rejects: failures come back as `{ok: false, error}` envelopes, built in one place (BusServer). */
export type RpcServeHandler = (payload: unknown, meta: MessageMeta) => Promise<RpcEnvelope>;
/** Rejecting means: retry later. Rejecting with PoisonMessageError means: dead-letter now, retrying cannot help. */
export type EventConsumeHandler = (payload: unknown, meta: MessageMeta) => Promise<void>;

export interface RequestOptions {
  timeoutMs: number;
  correlationId: string;
  traceparent?: string;
}

export interface PublishOptions {
  messageId: string;
  correlationId: string;
  traceparent?: string;
}

export interface SubscribeOptions {
  /** Durable queue name, `<service>.<purpose>`; instances sharing it compete for messages. */
  queue: string;
  /** Deliveries in flight per consumer instance. */
  prefetch: number;
  /** Attempts including the first; after the last failure the message goes to the dead-letter queue. */
  maxAttempts: number;
  /** Delay before retry n is backoffMs * 2^(n-1). */
  backoffMs: number;
  /**
   * Only the hospitals routed to this queue (routeHospitals), for an event routed by hospital (routing.ts):
   * the broker drops the others' events before they are stored or delivered.
   */
  byHospital?: boolean;
}

/** A subscription as its publishers know it (libs/contracts EVENT_SUBSCRIPTIONS): see RabbitMqTransportOptions. */
export interface KnownSubscription {
  queue: string;
  event: string;
  byHospital?: boolean;
}

/** An RPC reply as it travels: either a result or a domain error payload. */
export type RpcEnvelope = { ok: true; result: unknown } | { ok: false; error: ErrorPayload };

export interface DeadLetter {
  queue: string;
  event: string;
  messageId: string;
  reason: string;
  payload: unknown;
}

/** Messages waiting in `<queue>.dlq`; `hospitalId` when their payload names one, absent otherwise. */
export interface DeadLetterCount {
  queue: string;
  hospitalId?: string;
  count: number;
}

export interface TransportHealth {
  ok: boolean;
  detail: string;
}

export interface Transport {
  readonly kind: 'rabbitmq' | 'in-process';
  start(): Promise<void>;
  /**
   * Stops serving and consuming (in-flight handlers finish first); requests and publishes still work until
   * close(). A service calls it before its database goes, so no handler runs against a closed pool.
   */
  stopConsuming(): Promise<void>;
  close(): Promise<void>;
  /** Sends a request and waits for the envelope; rejects with DomainError RPC_TIMEOUT / SERVICE_UNAVAILABLE. */
  request(pattern: string, payload: unknown, options: RequestOptions): Promise<RpcEnvelope>;
  serve(pattern: string, handler: RpcServeHandler): Promise<void>;
  /** Resolves once the broker has taken responsibility for the message (publisher confirm). */
  publish(event: string, payload: unknown, options: PublishOptions): Promise<void>;
  subscribe(event: string, options: SubscribeOptions, handler: EventConsumeHandler): Promise<void>;
  /**
   * Routes `event` of these hospitals to the `byHospital` subscription queue `queue`, from now on (the queue
   * may not be subscribed yet). Routes only grow. RabbitMQ keeps them as durable bindings; the in-process
   * bus keeps them in memory, and its queue takes every hospital's events until it is first routed.
   */
  routeHospitals(queue: string, event: string, hospitalIds: readonly string[]): Promise<void>;
  health(): Promise<TransportHealth>;
  /** Counts (never removes) the dead letters of the given subscription queues, per hospital when attributable. */
  deadLetterCounts(queues: string[]): Promise<DeadLetterCount[]>;
}

export const TRANSPORT = Symbol('TRANSPORT');

/** A message that can never be processed (invalid payload): dead-lettered at once, not retried. */
export class PoisonMessageError extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'PoisonMessageError';
  }
}
