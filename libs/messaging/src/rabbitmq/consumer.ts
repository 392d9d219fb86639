import type { Logger } from '@nestjs/common';
import type { Channel, ChannelModel, ConsumeMessage } from 'amqplib';
import type { ConnectionManager } from './connection';
import { InFlight } from '../in-flight';
import { closeQuietly, describe } from './amqp-channel-helpers';

/**
 * A queue consumer that survives reconnects: it owns one channel per connection (so prefetch is per
 * consumer and a channel error stays local), declares its queues, consumes with manual ack, and attaches
 * itself again on every new connection or after its channel alone was closed. Subclasses say which kind
 * of channel (a confirm channel only if they need to know the broker took what they publish), what to
 * declare and how to handle one delivery.
 */
export abstract class QueueConsumer<C extends Channel = Channel> {
  /** Why this consumer is not consuming (a failed declare, say); reported by health(). */
  problem: string | undefined;
  private attachedTo: ChannelModel | undefined;
  private channel: C | undefined;
  private consumerTag: string | undefined;
  private stopped = false;
  private failures = 0;
  private retryTimer: NodeJS.Timeout | undefined;
  private readonly inFlight = new InFlight();

  protected constructor(
    protected readonly connections: ConnectionManager,
    protected readonly logger: Logger,
    readonly label: string,
  ) {}

  /** Opens the consumer's channel on `connection`. */
  protected abstract openChannel(connection: ChannelModel): Promise<C>;
  /** Declares what this consumer reads from (same arguments every time), sets prefetch; returns the queue. */
  protected abstract declare(channel: C): Promise<string>;
  /** Handles one delivery up to its ack or nack. Must not reject. */
  protected abstract handle(channel: C, message: ConsumeMessage): Promise<void>;

  /** Starts consuming on `connection` unless already doing so there. Rejects if a declaration failed. */
  async attach(connection: ChannelModel): Promise<void> {
    if (this.stopped || this.attachedTo === connection) return;
    this.attachedTo = connection;
    let channel: C | undefined;
    try {
      channel = await this.openChannel(connection);
      const opened = channel;
      opened.on('error', (error: Error) => (this.problem = `${this.label}: ${error.message}`));
      opened.on('close', () => this.channelClosed(connection, opened));
      const queue = await this.declare(opened);
      const { consumerTag } = await opened.consume(queue, (message) => this.deliver(opened, message), {
        noAck: false,
      });
      if (this.stopped) {
        await closeQuietly(opened);
        return;
      }
      this.channel = opened;
      this.consumerTag = consumerTag;
      this.problem = undefined;
      this.failures = 0;
    } catch (error) {
      this.problem = `${this.label}: ${describe(error)}`;
      if (this.attachedTo === connection) this.attachedTo = undefined;
      await closeQuietly(channel);
      throw error;
    }
  }

  /**
   * Stops taking deliveries, lets the ones in flight finish (acked) for up to `drainMs`, then closes the
   * channel; whatever is still unacked then goes back to the queue for another consumer.
   */
  async stop(drainMs: number): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    const channel = this.channel;
    if (channel && this.consumerTag) await channel.cancel(this.consumerTag).catch(() => undefined);
    await this.inFlight.idle(drainMs);
    await closeQuietly(channel);
  }

  private deliver(channel: C, message: ConsumeMessage | null): void {
    if (message === null) {
      // The broker cancelled us (queue deleted): closing the channel re-attaches, which re-declares.
      this.logger.warn(`${this.label}: consumer cancelled by the broker, re-attaching`);
      void closeQuietly(channel);
      return;
    }
    void this.inFlight
      .track(() => this.handle(channel, message))
      .catch((error: unknown) =>
        this.logger.error(`${this.label}: delivery not settled: ${describe(error)}`),
      );
  }

  private channelClosed(connection: ChannelModel, channel: C): void {
    if (this.channel === channel) {
      this.channel = undefined;
      this.consumerTag = undefined;
    }
    if (this.attachedTo === connection) this.attachedTo = undefined;
    if (this.stopped) return;
    // A lost connection brings a new one, and the transport re-attaches every consumer on it. If only this
    // channel died (a channel error, a deleted queue) nobody else will, so try again here, with backoff so
    // a declaration that keeps failing is logged, not hammered.
    const delay = Math.min(5000, 100 * 2 ** this.failures);
    this.failures += 1;
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => {
      const live = this.connections.connection;
      if (!live || this.stopped) return;
      this.attach(live).catch((error: unknown) =>
        this.logger.error(`${this.label}: cannot consume: ${describe(error)}`),
      );
    }, delay);
  }
}
