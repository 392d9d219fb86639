import { DomainError } from '@bridge/contracts';
import { Logger } from '@nestjs/common';
import { connect, type ChannelModel } from 'amqplib';
import { describe } from './wire';

export interface ConnectionOptions {
  url: string;
  /** Shown in the management UI as the connection name. */
  name: string;
  heartbeatSeconds: number;
  /** Reconnect backoff: doubles from min to max. */
  reconnectMinMs: number;
  reconnectMaxMs: number;
  /** Bounds one TCP + AMQP handshake attempt. */
  handshakeTimeoutMs: number;
}

/** Runs on every new connection before anyone can use it (declares what publishers rely on). */
export type Prepare = (connection: ChannelModel) => Promise<void>;
export type ConnectedListener = (connection: ChannelModel) => void;

/**
 * Owns the one AMQP connection of a transport and keeps it up: reconnects with capped exponential
 * backoff after any loss, until close(). Callers never see a connection error as an event: they ask
 * for the live connection with a deadline (`connectionBy`) and listeners re-attach consumers on each
 * new connection (`onConnected`).
 */
export class ConnectionManager {
  private readonly logger: Logger;
  private current: ChannelModel | undefined;
  private started = false;
  private closing = false;
  private failures = 0;
  private lastError: string | undefined;
  private blocked: string | undefined;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private connecting: Promise<void> | undefined;
  private readonly waiters = new Set<() => void>();
  private readonly listeners: ConnectedListener[] = [];

  constructor(
    private readonly options: ConnectionOptions,
    private readonly prepare: Prepare,
  ) {
    this.logger = new Logger(`RabbitMq:${options.name}`);
  }

  start(): void {
    if (this.started || this.closing) return;
    this.started = true;
    this.connecting = this.connect();
  }

  onConnected(listener: ConnectedListener): void {
    this.listeners.push(listener);
  }

  /** The live connection, or undefined while (re)connecting. */
  get connection(): ChannelModel | undefined {
    return this.current;
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
    clearTimeout(this.reconnectTimer);
    this.wakeWaiters();
    await this.connecting;
    const connection = this.current;
    this.current = undefined;
    if (connection) {
      // Bounded: an unresponsive broker never sends close-ok, and shutdown must not hang on it.
      const closing = connection.close().catch(() => undefined);
      await Promise.race([closing, new Promise((resolve) => setTimeout(resolve, 5000).unref())]);
    }
  }

  private async connect(): Promise<void> {
    if (this.closing) return;
    let connection: ChannelModel | undefined;
    let lost = false;
    try {
      connection = await connect(withHeartbeat(this.options.url, this.options.heartbeatSeconds), {
        timeout: this.options.handshakeTimeoutMs,
        clientProperties: { connection_name: this.options.name },
      });
      const opened = connection;
      // Without an 'error' listener an EventEmitter error kills the process; the 'close' that follows
      // every error is where reconnecting starts.
      opened.on('error', (error: Error) => (this.lastError = error.message));
      opened.on('close', () => {
        lost = true;
        this.lost(opened);
      });
      opened.on('blocked', (reason: string) => (this.blocked = reason));
      opened.on('unblocked', () => (this.blocked = undefined));
      if (this.closing) {
        await opened.close();
        return;
      }
      await this.prepare(opened);
      if (lost) throw new Error(this.lastError ?? 'connection closed while preparing');
    } catch (error) {
      this.lastError = describe(error);
      // Not awaited: closing a half-dead connection can take until the heartbeat gives up.
      connection?.close().catch(() => undefined);
      this.scheduleReconnect();
      return;
    }
    this.current = connection;
    if (this.failures > 0) this.logger.log(`reconnected after ${this.failures} failed attempt(s)`);
    this.failures = 0;
    this.lastError = undefined;
    this.wakeWaiters();
    for (const listener of this.listeners) listener(connection);
  }

  private lost(connection: ChannelModel): void {
    // A connection that never became current failed inside connect(), which schedules the retry itself.
    if (this.current !== connection) return;
    this.current = undefined;
    this.blocked = undefined;
    if (this.closing) return;
    this.logger.warn(`connection lost (${this.lastError ?? 'closed'}), reconnecting`);
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    if (this.closing) return;
    const base = Math.min(this.options.reconnectMaxMs, this.options.reconnectMinMs * 2 ** this.failures);
    // Jitter so the instances of a service do not all knock at the same moment after a broker restart.
    const delay = Math.round(base * (0.8 + Math.random() * 0.2));
    this.failures += 1;
    if (this.failures === 1 || this.failures % 10 === 0) {
      this.logger.warn(
        `cannot connect to ${redact(this.options.url)} (${this.lastError}); retrying in ${delay} ms`,
      );
    }
    this.reconnectTimer = setTimeout(() => {
      this.connecting = this.connect();
    }, delay);
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

function withHeartbeat(url: string, seconds: number): string {
  const parsed = new URL(url);
  if (!parsed.searchParams.has('heartbeat')) parsed.searchParams.set('heartbeat', String(seconds));
  return parsed.toString();
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
