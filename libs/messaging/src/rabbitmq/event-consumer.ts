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
import {
  CONTENT_TYPE,
  decode,
  describe,
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
 * worst it is in both, and the consumer's inbox dedupes by messageId.
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
    const meta = readMeta(message);
    try {
      if (!meta.messageId)
        throw new PoisonMessageError('message has no messageId, consumers cannot dedupe it');
      await this.handler(decode(message), meta);
    } catch (error) {
      await this.fail(channel, message, event, meta, error);
      return;
    }
    settle(() => channel.ack(message));
  }

  private async fail(
    channel: ConfirmChannel,
    message: ConsumeMessage,
    event: string,
    meta: MessageMeta,
    error: unknown,
  ): Promise<void> {
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
        message.content,
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
      settle(() => channel.nack(message, false, true));
      return;
    }
    settle(() => channel.ack(message));
    if (retry) {
      this.logger.warn(
        `${event} ${meta.messageId} attempt ${meta.attempt}/${maxAttempts} failed, retrying: ${reason}`,
      );
    } else {
      this.logger.error({ msg: 'dead-lettered', event, messageId: meta.messageId, queue, target, reason });
    }
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
