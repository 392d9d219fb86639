import { randomUUID } from 'node:crypto';
import { routingKeyOf } from '../routing';
import type { PublishOptions } from '../transport';
import { CONTENT_TYPE, encode } from './amqp-channel-helpers';
import { EVENT_GROUP_HEADER, MAX_EVENTS_PER_MESSAGE, type GroupedEventMember } from './event-grouping';
import type { ConfirmPublisher } from './publisher';
import { EVENTS_EXCHANGE, HEADERS } from './topology';

interface Pending {
  payload: unknown;
  options: PublishOptions;
  resolve: () => void;
  reject: (error: unknown) => void;
}

interface Outgoing {
  event: string;
  events: Pending[];
}

/**
 * Publishes events on the events exchange, persistent and confirmed. A hospital's routed events of one kind
 * published in the same turn go as one message (event-grouping.ts); each publish resolves when its message
 * is confirmed.
 */
export class EventPublisher {
  /** The routed events of this turn, by routing key (one event kind of one hospital). */
  private readonly outgoing = new Map<string, Outgoing>();

  constructor(
    private readonly publisher: ConfirmPublisher,
    private readonly settings: { service: string; publishTimeoutMs: number },
  ) {}

  publish(event: string, payload: unknown, options: PublishOptions): Promise<void> {
    const routingKey = routingKeyOf(event, payload);
    return new Promise<void>((resolve, reject) => {
      const pending = { payload, options, resolve, reject };
      // Only an event routed to its hospital waits for the turn's others: see event-grouping.ts for why.
      if (routingKey === event) {
        this.send(event, routingKey, [pending]);
        return;
      }
      let group = this.outgoing.get(routingKey);
      if (!group) {
        const created: Outgoing = { event, events: [] };
        this.outgoing.set(routingKey, created);
        setImmediate(() => this.flush(routingKey, created));
        group = created;
      }
      group.events.push(pending);
      if (group.events.length === MAX_EVENTS_PER_MESSAGE) this.flush(routingKey, group);
    });
  }

  private flush(routingKey: string, group: Outgoing): void {
    if (this.outgoing.get(routingKey) === group) this.outgoing.delete(routingKey);
    // Emptied, so the turn's scheduled flush of a group that left full sends nothing.
    const events = group.events.splice(0);
    if (events.length > 0) this.send(group.event, routingKey, events);
  }

  private send(event: string, routingKey: string, events: Pending[]): void {
    const alone = events.length === 1 ? events[0] : undefined;
    const headers = {
      ...(alone?.options.traceparent ? { [HEADERS.traceparent]: alone.options.traceparent } : {}),
      // The consumer names the event from this header when the key carries a hospital too.
      ...(routingKey !== event ? { [HEADERS.event]: event } : {}),
      ...(alone ? {} : { [EVENT_GROUP_HEADER]: events.length }),
    };
    const settle = {
      resolve: () => events.forEach(({ resolve }) => resolve()),
      reject: (error: unknown) => events.forEach(({ reject }) => reject(error)),
    };
    let content: Buffer;
    try {
      content = encode(alone ? alone.payload : events.map(memberOf));
    } catch (error) {
      settle.reject(error); // a payload JSON cannot write (a BigInt): its publish fails, nothing is thrown
      return;
    }
    // An event no queue is bound to is dropped, as the in-process twin does, once the connection has settled
    // (ConfirmPublisher: right after a (re)connect it is held for its subscriber instead).
    this.publisher
      .publish(
        EVENTS_EXCHANGE,
        routingKey,
        content,
        {
          messageId: alone ? alone.options.messageId : randomUUID(),
          correlationId: events[0].options.correlationId,
          contentType: CONTENT_TYPE,
          persistent: true,
          timestamp: Math.floor(Date.now() / 1000),
          appId: this.settings.service,
          ...(Object.keys(headers).length > 0 ? { headers } : {}),
        },
        Date.now() + this.settings.publishTimeoutMs,
      )
      .then(settle.resolve, settle.reject);
  }
}

function memberOf({ payload, options }: Pending): GroupedEventMember {
  const { messageId: id, correlationId, traceparent } = options;
  // null, as encode() sends for an event alone: JSON would drop an undefined payload's key.
  return { id, correlationId, ...(traceparent ? { traceparent } : {}), payload: payload ?? null };
}
