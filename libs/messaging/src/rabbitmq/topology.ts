import type { Channel } from 'amqplib';
import { everyHospitalRoute, hospitalRoute, isRoutedByHospital } from '../routing';
import type { KnownSubscription, SubscribeOptions } from '../transport';

/**
 * Every exchange and queue the transport uses, and how they are declared. Declarations carry the same
 * arguments every time (they depend only on the subscription options), so declaring again after a
 * reconnect or by another instance is a no-op instead of a PRECONDITION_FAILED.
 *
 *   bridge.events              topic exchange, durable; routing key = event name, or
 *                              <event>.<hospitalId> for an event routed by hospital (../routing.ts)
 *   <queue>                    durable; bound to bridge.events with the event name, and with
 *                              <event>.* (every hospital) or, `byHospital`, <event>.<hospitalId> per
 *                              hospital routed to it; broker-side dead-letters (if any) go to <queue>.dlq
 *   <queue>.retry.<delay>ms    durable quorum queue; x-message-ttl = delay, expired messages dead-letter
 *                              back to <queue> at-least-once (one queue per delay, see retryQueue)
 *   <queue>.dlq                durable; messages that failed maxAttempts times or were poison
 *   rpc.<pattern>              durable; requests, served by competing consumers
 */

export const EVENTS_EXCHANGE = 'bridge.events';
/** RabbitMQ's direct reply-to pseudo-queue: no reply queue to declare or clean up. */
export const DIRECT_REPLY_TO = 'amq.rabbitmq.reply-to';

/** Headers the transport reads and writes. */
export const HEADERS = {
  /** W3C trace context of the sender (the standard header name, so other tools read it too). */
  traceparent: 'traceparent',
  /** 1 on first delivery; set on the copy sent to a retry queue. */
  attempt: 'x-attempt',
  /** The event name, kept because a retried message comes back with the queue as its routing key. */
  event: 'x-event',
  /** Why the message was dead-lettered (last error message). */
  reason: 'x-death-reason',
  /** Queue the message was dead-lettered from. */
  queue: 'x-original-queue',
  failedAt: 'x-failed-at',
  /** Epoch ms after which nobody waits for the RPC reply any more. */
  deadline: 'x-deadline',
} as const;

/** The sender's traceparent from a message's headers, when it is a plausible one (the propagator checks the rest). */
export function traceparentOf(headers: Record<string, unknown> | undefined): { traceparent?: string } {
  const value = headers?.[HEADERS.traceparent];
  return typeof value === 'string' && value.length <= 128 ? { traceparent: value } : {};
}

export function dlqName(queue: string): string {
  return `${queue}.dlq`;
}

/** Delay before retry n (n = 1 after the first failure): backoffMs * 2^(n-1). */
export function retryDelay(failedAttempt: number, backoffMs: number): number {
  return backoffMs * 2 ** (failedAttempt - 1);
}

/**
 * One retry queue per delay rather than one queue with per-message expiration: RabbitMQ expires
 * messages only at the head of a queue, so a long delay at the head would hold back shorter ones behind
 * it. With one TTL per queue the head always expires first. Naming the queue by its delay keeps the
 * declaration arguments constant when backoffMs changes (a new queue instead of PRECONDITION_FAILED).
 */
export function retryQueue(queue: string, delayMs: number): string {
  return `${queue}.retry.${delayMs}ms`;
}

export function rpcQueue(pattern: string): string {
  return `rpc.${pattern}`;
}

export async function declareEventsExchange(channel: Channel): Promise<void> {
  await channel.assertExchange(EVENTS_EXCHANGE, 'topic', { durable: true });
}

/** Declares the queues of one subscription and binds it; see the table above. */
export async function declareSubscription(
  channel: Channel,
  event: string,
  options: SubscribeOptions,
): Promise<void> {
  const { queue } = options;
  await declareEventsExchange(channel);
  for (let attempt = 1; attempt < options.maxAttempts; attempt++) {
    const delay = retryDelay(attempt, options.backoffMs);
    await channel.assertQueue(retryQueue(queue, delay), {
      durable: true,
      arguments: retryQueueArguments(queue, delay),
    });
  }
  await declareSubscriptionQueue(channel, { queue, event, byHospital: options.byHospital });
  // A byHospital queue gets the routes of its hospitals (routeHospitals); one that took every hospital's
  // events before it became byHospital loses that binding here.
  if (options.byHospital && isRoutedByHospital(event)) {
    await channel.unbindQueue(queue, EVENTS_EXCHANGE, everyHospitalRoute(event));
  }
}

/**
 * The part of a subscription that does not depend on its subscriber's options: the queue, its DLQ and the
 * bindings that do not depend on hospitals. Publishers declare this much of the subscriptions they know of
 * (RabbitMqTransportOptions.knownSubscriptions), so that events published while the subscriber is down still
 * reach the queue; retry queues and a byHospital queue's hospital routes are the subscriber's own.
 */
export async function declareSubscriptionQueue(
  channel: Channel,
  subscription: KnownSubscription,
): Promise<void> {
  const { queue, event } = subscription;
  await channel.assertQueue(dlqName(queue), { durable: true });
  await declareEventQueue(channel, queue);
  await channel.bindQueue(queue, EVENTS_EXCHANGE, event);
  if (isRoutedByHospital(event) && !subscription.byHospital) {
    await channel.bindQueue(queue, EVENTS_EXCHANGE, everyHospitalRoute(event));
  }
}

/**
 * A subscription's own queue. Its arguments depend on its name only, so routeHospitals and publishers can
 * declare it too, before or after the subscription does. The transport itself dead-letters by a confirmed
 * publish to <queue>.dlq; the arguments only catch what the broker would drop otherwise (a reject without
 * requeue, a policy-set length limit).
 */
async function declareEventQueue(channel: Channel, queue: string): Promise<void> {
  await channel.assertQueue(queue, {
    durable: true,
    deadLetterExchange: '',
    deadLetterRoutingKey: dlqName(queue),
  });
}

/** Binds a byHospital subscription queue to these hospitals' copies of `event` (bindings are durable). */
export async function declareHospitalRoutes(
  channel: Channel,
  queue: string,
  event: string,
  hospitalIds: readonly string[],
): Promise<void> {
  await declareEventsExchange(channel);
  await declareEventQueue(channel, queue);
  for (const hospitalId of hospitalIds) {
    await channel.bindQueue(queue, EVENTS_EXCHANGE, hospitalRoute(event, hospitalId));
  }
}

/**
 * A retry queue is the one place where the broker moves a message on its own (expiry -> main queue).
 * Classic queues dead-letter at-most-once: a broker crash at that moment could lose the message. Quorum
 * queues (RabbitMQ >= 3.10) can dead-letter at-least-once, which needs overflow = reject-publish.
 */
function retryQueueArguments(queue: string, delayMs: number): Record<string, unknown> {
  return {
    'x-queue-type': 'quorum',
    'x-message-ttl': delayMs,
    'x-dead-letter-exchange': '',
    'x-dead-letter-routing-key': queue,
    'x-dead-letter-strategy': 'at-least-once',
    'x-overflow': 'reject-publish',
  };
}

export async function declareRpcQueue(channel: Channel, pattern: string): Promise<void> {
  await channel.assertQueue(rpcQueue(pattern), { durable: true });
}
