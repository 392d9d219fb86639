import type { Channel, ChannelModel, ConfirmChannel, Message, Options } from 'amqplib';
import { PoisonMessageError } from '../transport';

/** Small helpers shared by the publisher, the consumers and the RPC client: encoding and confirmed sends. */

export const CONTENT_TYPE = 'application/json';

export function encode(payload: unknown): Buffer {
  // JSON.stringify(undefined) is undefined, which is not a body; null is what the other side can read.
  return Buffer.from(JSON.stringify(payload ?? null), 'utf8');
}

/** A body that is not JSON can never be handled: poison, not a retry. */
export function decode(message: Message): unknown {
  try {
    return JSON.parse(message.content.toString('utf8')) as unknown;
  } catch (error) {
    throw new PoisonMessageError(`body is not JSON: ${describe(error)}`);
  }
}

/**
 * The properties we read from a delivery. amqplib types them `any`; anything may arrive (another
 * publisher), so each is checked where it is used, and `unknown` makes the compiler insist on it.
 */
export interface DeliveryProperties {
  messageId?: unknown;
  correlationId?: unknown;
  replyTo?: unknown;
  contentType?: unknown;
  timestamp?: unknown;
  headers?: Record<string, unknown>;
}

export function propertiesOf(message: Message): DeliveryProperties {
  const properties: DeliveryProperties = message.properties;
  return properties;
}

/** The id of a member of a grouped message (rpc-grouping.ts, event-grouping.ts): text, 1-128 characters. */
export function isMemberId(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0 && value.length <= 128;
}

export function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** amqplib's message for a basic.nack: the broker refused the message (not a lost connection). */
export function isNack(error: unknown): boolean {
  return error instanceof Error && error.message === 'message nacked';
}

/**
 * Publishes on a confirm channel and settles when the broker confirmed (or nacked), the channel closed
 * before it did, or `timeoutMs` passed (a blocked connection never confirms). Never throws synchronously:
 * publishing on a closed channel becomes a rejection like any other lost confirm.
 */
export function publishConfirmed(
  channel: ConfirmChannel,
  exchange: string,
  routingKey: string,
  content: Buffer,
  options: Options.Publish,
  timeoutMs: number,
): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`no publisher confirm within ${timeoutMs} ms`)),
      Math.max(1, timeoutMs),
    );
    try {
      channel.publish(exchange, routingKey, content, options, (error: unknown) => {
        clearTimeout(timer);
        if (error) reject(error instanceof Error ? error : new Error(describe(error)));
        else resolve();
      });
    } catch (error) {
      clearTimeout(timer);
      reject(error instanceof Error ? error : new Error(String(error)));
    }
  });
}

/**
 * ack/nack on a channel that may have closed meanwhile. A closed channel needs nothing from us: the
 * broker requeues every unacked delivery of a closed channel by itself.
 */
export function settle(action: () => void): void {
  try {
    action();
  } catch {
    // Channel closed: the delivery goes back to the queue on the broker side.
  }
}

/**
 * A channel for declarations: a failed one closes the channel with an 'error' event, which must not crash
 * the process; the failing call's rejection is what reports it.
 */
export async function openQuietly(connection: ChannelModel): Promise<Channel> {
  const channel = await connection.createChannel();
  channel.on('error', () => undefined);
  return channel;
}

/** Closes a channel, ignoring that it may already be closed. */
export async function closeQuietly(channel: Channel | undefined): Promise<void> {
  if (!channel) return;
  try {
    await channel.close();
  } catch {
    // Already closed with its connection.
  }
}
