import { Logger } from '@nestjs/common';
import type { ChannelModel, ConfirmChannel, ConsumeMessage } from 'amqplib';
import {
  PoisonMessageError,
  type EventConsumeHandler,
  type MessageMeta,
  type SubscribeOptions,
} from '../transport';
import type { ConnectionManager } from './connection';
import { QueueConsumer } from './consumer';
import { declareSubscription, dlqName, HEADERS, retryDelay, retryQueue, traceparentOf } from './topology';
import { EVENT_GROUP_HEADER, readGroupedEvents } from './event-grouping';
import {
  CONTENT_TYPE,
  decode,
  describe,
  encode,
  propertiesOf,
  publishConfirmed,
  settle,
} from './amqp-channel-helpers';

/** Bounds how long a retry or dead-letter copy may wait for its confirm before the original is requeued. */
const REPUBLISH_CONFIRM_MS = 10_000;
/** Header values must fit the 64 KiB header table; a reason is for humans, the first 1,000 chars will do. */
const MAX_REASON_CHARS = 1000;

/**
 * Consumes one subscription queue. The handler's promise decides: resolved -> ack; rejected -> a copy
 * goes to the retry queue for this attempt's delay (or to the DLQ when attempts are used up or the error
 * is a PoisonMessageError), and only once the broker confirmed that copy is the original acked. If the
 * copy is not confirmed the original is requeued instead, so a message is never in neither place; at
 * worst it is in both, and the consumer's inbox dedupes by messageId. A group of events (event-grouping.ts)
 * is handled event by event, each as above, its failed ones moved alone; it is acked once all are through.
 */
export class EventConsumer extends QueueConsumer<ConfirmChannel> {
  constructor(
    connections: ConnectionManager,
    private readonly event: string,
    private readonly options: SubscribeOptions,
    private readonly handler: EventConsumeHandler,
  ) {
    super(connections, new Logger(`RabbitMq:${options.queue}`), `queue ${options.queue}`);
  }

  /** A confirm channel: the original is acked only once the broker confirmed its retry or DLQ copy. */
  protected openChannel(connection: ChannelModel): Promise<ConfirmChannel> {
    return connection.createConfirmChannel();
  }

  protected async declare(channel: ConfirmChannel): Promise<string> {
    await declareSubscription(channel, this.event, this.options);
    await channel.prefetch(this.options.prefetch);
    return this.options.queue;
  }

  protected async handle(channel: ConfirmChannel, message: ConsumeMessage): Promise<void> {
    const headers = propertiesOf(message).headers ?? {};
    const event =
      typeof headers[HEADERS.event] === 'string'
        ? (headers[HEADERS.event] as string)
        : message.fields.routingKey;
    // One after the other, in publish order: prefetch counts messages, so a group is one handler at a time.
    for (const delivery of eventsOf(message, readMeta(message))) {
      if (!(await this.handleOne(channel, message, event, delivery))) {
        // Its retry or dead-letter copy was not confirmed: the whole message goes back to the queue, and the
        // events handled before it are deduped by the consumer's inbox when it comes back.
        settle(() => channel.nack(message, false, true));
        return;
      }
    }
    settle(() => channel.ack(message));
  }

  /** Handles one event; a failed one is moved to its retry queue or DLQ. False: the move was not confirmed. */
  private async handleOne(
    channel: ConfirmChannel,
    message: ConsumeMessage,
    event: string,
    { meta, content, payload }: Delivery,
  ): Promise<boolean> {
    try {
      if (!meta.messageId)
        throw new PoisonMessageError('message has no messageId, consumers cannot dedupe it');
      await this.handler(payload(), meta);
      return true;
    } catch (error) {
      return this.moveOut(channel, message, content(), event, meta, error);
    }
  }

  /** Sends a failed event's copy (`content`, alone) to its retry queue or DLQ; true once the broker confirmed it. */
  private async moveOut(
    channel: ConfirmChannel,
    message: ConsumeMessage,
    content: Buffer,
    event: string,
    meta: MessageMeta,
    error: unknown,
  ): Promise<boolean> {
    const { queue, maxAttempts, backoffMs } = this.options;
    const reason = describe(error);
    const retry = !(error instanceof PoisonMessageError) && meta.attempt < maxAttempts;
    const target = retry ? retryQueue(queue, retryDelay(meta.attempt, backoffMs)) : dlqName(queue);
    // Fresh headers: the broker's x-death bookkeeping is not copied, only what the transport needs.
    const trace = meta.traceparent ? { [HEADERS.traceparent]: meta.traceparent } : {};
    const headers: Record<string, unknown> = retry
      ? { [HEADERS.attempt]: meta.attempt + 1, [HEADERS.event]: event, ...trace }
      : {
          ...trace,
          [HEADERS.attempt]: meta.attempt,
          [HEADERS.event]: event,
          [HEADERS.reason]: reason.slice(0, MAX_REASON_CHARS),
          [HEADERS.queue]: queue,
          [HEADERS.failedAt]: new Date().toISOString(),
        };
    try {
      await publishConfirmed(
        channel,
        '',
        target,
        content,
        {
          messageId: meta.messageId,
          correlationId: meta.correlationId,
          contentType: CONTENT_TYPE,
          timestamp: numberOrUndefined(propertiesOf(message).timestamp),
          persistent: true,
          headers,
        },
        REPUBLISH_CONFIRM_MS,
      );
    } catch (publishError) {
      this.logger.warn(
        `${meta.messageId}: could not move to ${target} (${describe(publishError)}); requeued`,
      );
      return false;
    }
    if (retry) {
      this.logger.warn(
        `${event} ${meta.messageId} attempt ${meta.attempt}/${maxAttempts} failed, retrying: ${reason}`,
      );
    } else {
      this.logger.error({ msg: 'dead-lettered', event, messageId: meta.messageId, queue, target, reason });
    }
    return true;
  }
}

/** One event of a delivery: the message itself, or a member of a group (event-grouping.ts). */
interface Delivery {
  meta: MessageMeta;
  /** What a retry or dead-letter copy carries: the event alone (encoded only for one that failed). */
  content: () => Buffer;
  payload: () => unknown;
}

/**
 * The events a message carries: itself, or a group's members (event-grouping.ts), each with its own id,
 * correlation id and trace. A group that cannot be read is one poison event: it goes to the DLQ as it came.
 */
function eventsOf(message: ConsumeMessage, meta: MessageMeta): Delivery[] {
  const whole = (payload: () => unknown): Delivery[] => [{ meta, content: () => message.content, payload }];
  if (propertiesOf(message).headers?.[EVENT_GROUP_HEADER] === undefined) return whole(() => decode(message));
  try {
    return readGroupedEvents(decode(message)).map(({ id, correlationId, traceparent, payload }) => ({
      meta: {
        messageId: id,
        correlationId: correlationId || id,
        attempt: meta.attempt,
        ...(traceparent ? { traceparent } : {}),
      },
      content: () => encode(payload),
      payload: () => payload,
    }));
  } catch (unreadable) {
    return whole(() => {
      throw unreadable;
    });
  }
}

function readMeta(message: ConsumeMessage): MessageMeta {
  const { messageId, correlationId, headers } = propertiesOf(message);
  const attempt = Number(headers?.[HEADERS.attempt]);
  const id = typeof messageId === 'string' ? messageId : '';
  return {
    messageId: id,
    correlationId: typeof correlationId === 'string' && correlationId ? correlationId : id,
    attempt: Number.isInteger(attempt) && attempt >= 1 ? attempt : 1,
    ...traceparentOf(headers),
  };
}

function numberOrUndefined(value: unknown): number | undefined {
  return typeof value === 'number' ? value : undefined;
}
