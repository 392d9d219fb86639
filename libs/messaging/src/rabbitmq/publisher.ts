import { DomainError } from '@bridge/contracts';
import type { ConfirmChannel, Message, Options } from 'amqplib';
import type { ConnectionManager } from './connection';
import { describe, isNack, publishConfirmed } from './amqp-channel-helpers';

/** The shared confirm channel and the ids of the messages the broker returned on it as routed to no queue. */
interface PublishChannel {
  channel: ConfirmChannel;
  returned: Set<string>;
}

/**
 * Publishes on one shared confirm channel and resolves only on the broker's confirm. When the channel or
 * connection goes away before the confirm arrives, the broker may or may not have the message, so it is
 * published again on the next connection (same messageId: consumers dedupe) until the deadline.
 *
 * For `routingSettleMs` after each (re)connect, a message is also published `mandatory`, and one the broker
 * returns as routed to no queue is published again (a return means no queue has it: no duplicate) until a
 * queue takes it or the window ends. Right after a crash and restart, RabbitMQ 3.10 returned events as routed to
 * no queue (without mandatory: confirmed and dropped them) although it had recovered their durable queue,
 * until the subscriber declared its binding again on its own reconnect (about one run in fifteen of the infra
 * test "2,000 events published across a broker restart"). Publishers also declare the subscriptions they
 * know of on each connection (RabbitMqTransportOptions.knownSubscriptions); the window covers what they cannot
 * know, a byHospital subscriber's hospital routes. An event for a subscriber that starts after its publisher
 * is held the same way. After the window a return means nobody subscribes: the message is dropped,
 * as without mandatory; steady-state publishes carry no mandatory flag and cost no return.
 */
export class ConfirmPublisher {
  private channel: Promise<PublishChannel> | undefined;

  constructor(
    private readonly connections: ConnectionManager,
    private readonly routingSettleMs = 0,
  ) {}

  async publish(
    exchange: string,
    routingKey: string,
    content: Buffer,
    options: Options.Publish,
    deadline: number,
  ): Promise<void> {
    let lastError = 'not sent';
    for (let attempt = 0; ; attempt++) {
      if (attempt > 0) {
        // A lost confirm usually means the connection is going down; give the manager a moment to notice
        // instead of spinning on a dying connection. A returned message waits for its subscriber as long.
        await pause(Math.min(1000, 25 * 2 ** attempt, Math.max(0, deadline - Date.now())));
      }
      if (Date.now() >= deadline) {
        throw new DomainError(
          'SERVICE_UNAVAILABLE',
          `RabbitMQ did not confirm the message in time (${lastError}).`,
        );
      }
      try {
        const { channel, returned } = await this.channelBy(deadline);
        const messageId = this.settling() ? options.messageId : undefined;
        const mandatory = typeof messageId === 'string';
        await publishConfirmed(
          channel,
          exchange,
          routingKey,
          content,
          mandatory ? { ...options, mandatory } : options,
          deadline - Date.now(),
        );
        // The broker sends a message's return before its confirm.
        if (!mandatory || !returned.delete(messageId)) return;
        lastError = 'routed to no queue';
      } catch (error) {
        // The broker refused the message: sending it again would be refused again.
        if (isNack(error))
          throw new DomainError('SERVICE_UNAVAILABLE', 'RabbitMQ refused the message (nack).');
        if (error instanceof DomainError) throw error;
        lastError = describe(error);
      }
    }
  }

  /** Within routingSettleMs of the live connection's start: subscribers may not have (re)declared yet. */
  private settling(): boolean {
    const since = this.connections.connectedSince;
    return since > 0 && Date.now() < since + this.routingSettleMs;
  }

  /** The shared confirm channel, opened lazily on the live connection and forgotten when it closes. */
  private channelBy(deadline: number): Promise<PublishChannel> {
    if (!this.channel) {
      const opening = this.connections.connectionBy(deadline).then(async (connection) => {
        const channel = await connection.createConfirmChannel();
        const returned = new Set<string>();
        channel.on('error', () => undefined); // the 'close' that follows is what matters
        channel.on('close', () => {
          if (this.channel === opening) this.channel = undefined;
        });
        channel.on('return', (message: Message) => {
          const id: unknown = message.properties.messageId;
          if (typeof id === 'string') returned.add(id);
        });
        return { channel, returned };
      });
      opening.catch(() => {
        if (this.channel === opening) this.channel = undefined;
      });
      this.channel = opening;
    }
    return this.channel;
  }
}

function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
