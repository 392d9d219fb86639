import { DomainError } from '@bridge/contracts';
import { Logger } from '@nestjs/common';
import type { Channel, ChannelModel, ConsumeMessage } from 'amqplib';
import type { RpcEnvelope, RpcServeHandler } from '../transport';
import type { ConnectionManager } from './connection';
import { QueueConsumer } from './consumer';
import { declareRpcQueue, HEADERS, rpcQueue, traceparentOf } from './topology';
import { CONTENT_TYPE, decode, describe, encode, propertiesOf, settle } from './amqp-channel-helpers';

/**
 * Serves one RPC pattern from the durable `rpc.<pattern>` queue; every instance serving the pattern is
 * a competing consumer. The request is acked after the reply is sent, so a server that dies mid-request
 * leaves it to another instance (if the caller is still waiting).
 */
export class RpcServer extends QueueConsumer<Channel> {
  constructor(
    connections: ConnectionManager,
    private readonly pattern: string,
    private readonly prefetch: number,
    private readonly handler: RpcServeHandler,
  ) {
    super(connections, new Logger(`RabbitMq:rpc.${pattern}`), `rpc ${pattern}`);
  }

  /**
   * A plain channel, not a confirm channel: a reply needs no confirmation (its caller either gets it or
   * times out), and a broker confirm per reply would be one more frame, socket write and wake-up for
   * nothing.
   */
  protected openChannel(connection: ChannelModel): Promise<Channel> {
    return connection.createChannel();
  }

  protected async declare(channel: Channel): Promise<string> {
    await declareRpcQueue(channel, this.pattern);
    await channel.prefetch(this.prefetch);
    return rpcQueue(this.pattern);
  }

  protected async handle(channel: Channel, message: ConsumeMessage): Promise<void> {
    const { messageId, correlationId, replyTo, headers } = propertiesOf(message);
    // The broker drops requests that expire in the queue; this catches the ones that expired while
    // waiting in our prefetch buffer or were redelivered after the caller gave up. Nobody waits for them.
    const deadline = Number(headers?.[HEADERS.deadline]);
    if (Number.isFinite(deadline) && Date.now() > deadline) {
      this.logger.warn(`dropped ${this.pattern} request ${String(messageId)}: its caller gave up`);
      settle(() => channel.ack(message));
      return;
    }
    const requestId = typeof messageId === 'string' ? messageId : '';
    const envelope = await this.answer(message, {
      messageId: requestId,
      correlationId: typeof correlationId === 'string' && correlationId ? correlationId : requestId,
      attempt: 1,
      ...traceparentOf(headers),
    });
    if (typeof replyTo === 'string' && replyTo) {
      settle(() =>
        channel.publish('', replyTo, encode(envelope), {
          correlationId: requestId,
          contentType: CONTENT_TYPE,
        }),
      );
    }
    settle(() => channel.ack(message));
  }

  private async answer(message: ConsumeMessage, meta: Parameters<RpcServeHandler>[1]): Promise<RpcEnvelope> {
    let payload: unknown;
    try {
      payload = decode(message);
    } catch (error) {
      return { ok: false, error: new DomainError('VALIDATION_FAILED', describe(error)).toPayload() };
    }
    try {
      return await this.handler(payload, meta);
    } catch (error) {
      // The handler registry builds every envelope; a rejection here is a bug, still answered, not hung.
      this.logger.error({ msg: 'RPC handler rejected', pattern: this.pattern, error: describe(error) });
      return { ok: false, error: new DomainError('INTERNAL_ERROR', 'Internal error.').toPayload() };
    }
  }
}
