import { DomainError } from '@bridge/contracts';
import { Logger } from '@nestjs/common';
import type { ChannelModel } from 'amqplib';
import { AmqpConnectionManagerClass as AmqpConnectionManager } from 'amqp-connection-manager';
import { describe } from './amqp-channel-helpers';
import { coalesceFrameWrites } from './coalesced-writes';

export interface ConnectionOptions {
  url: string;
  /** Shown in the management UI as the connection name. */
  name: string;
  heartbeatSeconds: number;
  /** Delay between reconnect attempts (amqp-connection-manager retries at a fixed interval). */
  reconnectMs: number;
  /** Bounds one TCP + AMQP handshake attempt. */
  handshakeTimeoutMs: number;
}

/** Runs on every new connection before anyone can use it (declares what publishers rely on). */
export type Prepare = (connection: ChannelModel) => Promise<void>;
export type ConnectedListener = (connection: ChannelModel) => void;

/** How long close() waits for the broker's close-ok: an unresponsive broker never sends it. */
const CLOSE_TIMEOUT_MS = 5000;

/**
 * The one AMQP connection of a transport, kept up by amqp-connection-manager (connect, heartbeat,
 * reconnect after any loss, until close). What this adds on top: a connection is handed out only after
 * `prepare` ran on it; callers wait for it with a deadline (`connectionBy`, so an RPC or a publish during an
 * outage ends in SERVICE_UNAVAILABLE in time rather than hanging); consumers re-attach on each new
 * connection (`onConnected`); health says why it is down; close is bounded.
 */
export class ConnectionManager {
  private readonly logger: Logger;
  private readonly manager: AmqpConnectionManager;
  private current: ChannelModel | undefined;
  private currentSince = 0;
  private started = false;
  private closing = false;
  private failures = 0;
  private lastError: string | undefined;
  private blocked: string | undefined;
  private readonly waiters = new Set<() => void>();
  private readonly listeners: ConnectedListener[] = [];

  constructor(
    private readonly options: ConnectionOptions,
    private readonly prepare: Prepare,
  ) {
    this.logger = new Logger(`RabbitMq:${options.name}`);
    this.manager = new AmqpConnectionManager([options.url], {
      heartbeatIntervalInSeconds: options.heartbeatSeconds,
      reconnectTimeInSeconds: options.reconnectMs / 1000,
      connectionOptions: {
        timeout: options.handshakeTimeoutMs,
        // amqplib leaves Nagle's algorithm on unless told: a small write (a reply, an ack, a confirm-awaited
        // publish) that follows one the broker has not acknowledged yet then waits for its delayed ACK, up to
        // about 40 ms on Linux. Every frame we send is small and latency-bound; RabbitMQ's own side is nodelay.
        noDelay: true,
        clientProperties: { connection_name: options.name },
      },
    });
    this.manager.on(
      'connect',
      ({ connection }: { connection: ChannelModel }) => void this.connected(connection),
    );
    this.manager.on('connectFailed', ({ err }: { err: Error }) => this.failed(err));
    this.manager.on('disconnect', ({ err }: { err?: Error }) => this.lost(err));
    this.manager.on('blocked', ({ reason }: { reason: string }) => (this.blocked = reason));
    this.manager.on('unblocked', () => (this.blocked = undefined));
  }

  start(): void {
    if (this.started || this.closing) return;
    this.started = true;
    // Resolves on the first connect; the manager keeps retrying in the background either way.
    this.manager.connect().catch((error: unknown) => this.failed(error));
  }

  onConnected(listener: ConnectedListener): void {
    this.listeners.push(listener);
  }

  /** The live, prepared connection, or undefined while (re)connecting. */
  get connection(): ChannelModel | undefined {
    return this.current;
  }

  /** When the live connection was handed out (epoch ms); 0 while (re)connecting. */
  get connectedSince(): number {
    return this.current ? this.currentSince : 0;
  }

  /** The live connection, waiting for a reconnect until `deadline` (epoch ms). */
  async connectionBy(deadline: number): Promise<ChannelModel> {
    for (;;) {
      if (this.closing) throw new DomainError('SERVICE_UNAVAILABLE', 'The RabbitMQ transport is closed.');
      if (this.current) return this.current;
      const remaining = deadline - Date.now();
      if (remaining <= 0) {
        throw new DomainError(
          'SERVICE_UNAVAILABLE',
          `RabbitMQ is not reachable (${this.lastError ?? 'connecting'}).`,
        );
      }
      await this.nextChange(remaining);
    }
  }

  health(): { connected: boolean; detail: string } {
    const where = redact(this.options.url);
    if (this.closing) return { connected: false, detail: `closed (${where})` };
    if (!this.current)
      return { connected: false, detail: `disconnected from ${where}: ${this.lastError ?? 'connecting'}` };
    if (this.blocked)
      return { connected: false, detail: `connected to ${where} but blocked by the broker: ${this.blocked}` };
    return { connected: true, detail: `connected to ${where} as ${this.options.name}` };
  }

  async close(): Promise<void> {
    this.closing = true;
    this.current = undefined;
    this.wakeWaiters();
    const closing = this.manager.close().catch(() => undefined);
    await Promise.race([closing, new Promise((resolve) => setTimeout(resolve, CLOSE_TIMEOUT_MS).unref())]);
  }

  private async connected(connection: ChannelModel): Promise<void> {
    if (!coalesceFrameWrites(connection)) this.logger.warn('amqplib changed: frames are written one by one');
    try {
      await this.prepare(connection);
    } catch (error) {
      // Not usable: drop it, and amqp-connection-manager's reconnect tries again.
      this.lastError = describe(error);
      connection.close().catch(() => undefined);
      return;
    }
    if (this.closing || this.manager.connection !== connection) return;
    this.current = connection;
    this.currentSince = Date.now();
    if (this.failures > 0) this.logger.log(`reconnected after ${this.failures} failed attempt(s)`);
    this.failures = 0;
    this.lastError = undefined;
    this.wakeWaiters();
    for (const listener of this.listeners) listener(connection);
  }

  private failed(error: unknown): void {
    this.lastError = describe(error);
    this.failures += 1;
    if (!this.closing && (this.failures === 1 || this.failures % 10 === 0)) {
      this.logger.warn(`cannot connect to ${redact(this.options.url)} (${this.lastError}); retrying`);
    }
  }

  private lost(error: Error | undefined): void {
    this.current = undefined;
    this.blocked = undefined;
    if (error) this.lastError = describe(error);
    if (!this.closing) this.logger.warn(`connection lost (${this.lastError ?? 'closed'}), reconnecting`);
  }

  private nextChange(timeoutMs: number): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.waiters.delete(done);
        resolve();
      };
      const timer = setTimeout(done, timeoutMs);
      this.waiters.add(done);
    });
  }

  private wakeWaiters(): void {
    for (const waiter of [...this.waiters]) waiter();
  }
}

/** The broker address for logs and health, without credentials. */
function redact(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.host}${parsed.pathname === '/' ? '' : parsed.pathname}`;
  } catch {
    return 'amqp broker';
  }
}
