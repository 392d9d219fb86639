import { DomainError } from '@bridge/contracts';
import { Logger } from '@nestjs/common';
import type { Channel, ChannelModel, ConsumeMessage } from 'amqplib';
import type { MessageMeta, RpcEnvelope, RpcServeHandler } from '../transport';
import type { ConnectionManager } from './connection';
import { QueueConsumer } from './consumer';
import { declareRpcQueue, HEADERS, rpcQueue, traceparentOf } from './topology';
import { CONTENT_TYPE, decode, describe, encode, propertiesOf, settle } from './amqp-channel-helpers';
import { writeQueuedFrames } from './coalesced-writes';
import { GROUP_HEADERS, readGroupedRequests, type GroupedReply, type GroupedRequest } from './rpc-grouping';

/**
 * Serves one RPC pattern from the durable `rpc.<pattern>` queue; every instance serving the pattern is
 * a competing consumer. The request is acked after the reply is sent, so a server that dies mid-request
 * leaves it to another instance (if the caller is still waiting). A grouped message (rpc-grouping.ts) is
 * acked after the last of its replies.
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
    if (headers?.[GROUP_HEADERS.requests] !== undefined) return this.handleGroup(channel, message);
    const requestId = typeof messageId === 'string' ? messageId : '';
    const request = {
      id: requestId,
      correlationId: typeof correlationId === 'string' ? correlationId : '',
      deadline: Number(headers?.[HEADERS.deadline]),
      ...traceparentOf(headers),
    };
    const envelope = await this.answer(request, () => decode(message));
    if (envelope && typeof replyTo === 'string' && replyTo) {
      settle(() =>
        channel.publish('', replyTo, encode(envelope), {
          correlationId: requestId,
          contentType: CONTENT_TYPE,
        }),
      );
    }
    settle(() => channel.ack(message));
  }

  /**
   * The requests of a grouped message (rpc-grouping.ts), each handled on its own; the replies ready in the
   * same turn leave together, and the message is acked when the last one has left.
   */
  private async handleGroup(channel: Channel, message: ConsumeMessage): Promise<void> {
    const { messageId, replyTo } = propertiesOf(message);
    let requests: GroupedRequest[];
    try {
      requests = readGroupedRequests(decode(message));
    } catch (error) {
      // No request id in it can be trusted, so nobody can be answered; redelivering it cannot help.
      this.logger.error({
        msg: 'unreadable grouped request dropped',
        pattern: this.pattern,
        error: describe(error),
      });
      settle(() => channel.ack(message));
      return;
    }
    const replies = new TurnReplies((ready) => {
      if (typeof replyTo !== 'string' || !replyTo) return;
      settle(() =>
        channel.publish('', replyTo, encode(ready), {
          correlationId: String(messageId),
          contentType: CONTENT_TYPE,
          headers: { [GROUP_HEADERS.replies]: ready.length },
        }),
      );
      writeQueuedFrames(channel);
    });
    await Promise.all(
      requests.map(async (request) => {
        const envelope = await this.answer(request, () => request.payload);
        if (envelope) replies.add([request.id, envelope]);
      }),
    );
    replies.flush();
    settle(() => channel.ack(message));
  }

  /**
   * The request's envelope, or none when its caller has given up. The broker drops requests that expire in
   * the queue; this catches the ones that expired while waiting in our prefetch buffer or were redelivered
   * after the caller gave up (a deadline that is not a number never expires). Nobody waits for them.
   */
  private async answer(
    request: Omit<GroupedRequest, 'payload'>,
    read: () => unknown,
  ): Promise<RpcEnvelope | undefined> {
    if (Date.now() > request.deadline) {
      this.logger.warn(`dropped ${this.pattern} request ${request.id}: its caller gave up`);
      return undefined;
    }
    const meta: MessageMeta = {
      messageId: request.id,
      correlationId: request.correlationId || request.id,
      attempt: 1,
      ...traceparentOf({ traceparent: request.traceparent }),
    };
    let payload: unknown;
    try {
      payload = read();
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

/** Replies that become ready in the same event-loop turn, sent as one message at the end of it. */
class TurnReplies {
  private ready: GroupedReply[] = [];
  private scheduled = false;

  constructor(private readonly send: (replies: GroupedReply[]) => void) {}

  add(reply: GroupedReply): void {
    this.ready.push(reply);
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.flush();
    });
  }

  flush(): void {
    if (this.ready.length > 0) this.send(this.ready.splice(0));
  }
}
