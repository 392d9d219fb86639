import { DomainError } from '@bridge/contracts';
import type { ConfirmChannel, Options } from 'amqplib';
import type { ConnectionManager } from './connection';
import { describe, isNack, publishConfirmed } from './amqp-channel-helpers';

/**
 * Publishes on one shared confirm channel and resolves only on the broker's confirm. When the channel or
 * connection goes away before the confirm arrives, the broker may or may not have the message, so it is
 * published again on the next connection (same messageId: consumers dedupe) until the deadline.
 */
export class ConfirmPublisher {
  private channel: Promise<ConfirmChannel> | undefined;

  constructor(private readonly connections: ConnectionManager) {}

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
        // instead of spinning on a dying connection.
        await pause(Math.min(1000, 25 * 2 ** attempt, Math.max(0, deadline - Date.now())));
      }
      if (Date.now() >= deadline) {
        throw new DomainError(
          'SERVICE_UNAVAILABLE',
          `RabbitMQ did not confirm the message in time (${lastError}).`,
        );
      }
      try {
        const channel = await this.channelBy(deadline);
        await publishConfirmed(channel, exchange, routingKey, content, options, deadline - Date.now());
        return;
      } catch (error) {
        // The broker refused the message: sending it again would be refused again.
        if (isNack(error))
          throw new DomainError('SERVICE_UNAVAILABLE', 'RabbitMQ refused the message (nack).');
        if (error instanceof DomainError) throw error;
        lastError = describe(error);
      }
    }
  }

  /** The shared confirm channel, opened lazily on the live connection and forgotten when it closes. */
  private channelBy(deadline: number): Promise<ConfirmChannel> {
    if (!this.channel) {
      const opening = this.connections.connectionBy(deadline).then(async (connection) => {
        const channel = await connection.createConfirmChannel();
        channel.on('error', () => undefined); // the 'close' that follows is what matters
        channel.on('close', () => {
          if (this.channel === opening) this.channel = undefined;
        });
        return channel;
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
