import { Logger } from '@nestjs/common';
import type { ChannelModel } from 'amqplib';
import { hostname } from 'node:os';
import type {
  DeadLetterCount,
  EventConsumeHandler,
  KnownSubscription,
  PublishOptions,
  RequestOptions,
  RpcEnvelope,
  RpcServeHandler,
  SubscribeOptions,
  Transport,
  TransportHealth,
} from '../transport';
import { ConnectionManager } from './connection';
import { countDeadLetters } from './dead-letter-census';
import type { QueueConsumer } from './consumer';
import { EventConsumer } from './event-consumer';
import { EventPublisher } from './event-publisher';
import { ConfirmPublisher } from './publisher';
import { RpcClient } from './rpc-client';
import { RpcServer } from './rpc-server';
import { declareEventsExchange, declareHospitalRoutes, declareSubscriptionQueue } from './topology';
import { closeQuietly, describe, openQuietly } from './amqp-channel-helpers';

export interface RabbitMqTransportOptions {
  url: string;
  /** Names this process's connection (`<service>@<host>:<pid>`, shown by rabbitmqctl and the management UI). */
  service: string;
  /** How long start(), serve() and subscribe() wait for the broker. Default 30 s. */
  connectTimeoutMs?: number;
  /** How long publish() waits for a confirm, reconnecting as needed. Default 30 s. */
  publishTimeoutMs?: number;
  /** RPC requests in flight per serving instance and pattern. Default 32. */
  rpcPrefetch?: number;
  /** Delay between reconnect attempts (fixed, as amqp-connection-manager retries). Default 1 s. */
  reconnectMs?: number;
  /** AMQP heartbeat: how fast a silently dead peer is noticed. Default 10 s. */
  heartbeatSeconds?: number;
  /** How long close() lets in-flight handlers finish (and ack) before closing. Default 5 s. */
  closeTimeoutMs?: number;
  /**
   * For how long after each (re)connect an event the broker routes to no queue is published again rather
   * than dropped: subscribers re-declare their bindings on their own reconnect (publisher.ts). Default 5 s.
   */
  routingSettleMs?: number;
  /**
   * Every service's subscriptions (the apps pass libs/contracts EVENT_SUBSCRIPTIONS): their queues and
   * bindings are declared on each new connection before anything is published on it, so after a broker
   * restart an event finds its queue even while its subscriber is still down (topology.ts). Default none.
   */
  knownSubscriptions?: readonly KnownSubscription[];
}

interface HospitalRoutes {
  queue: string;
  event: string;
  hospitalIds: Set<string>;
}

/**
 * The production transport over RabbitMQ (amqplib): durable topology, publisher confirms for events, manual
 * acks, retries through per-delay retry queues, a DLQ per subscription, RPC over durable request queues with
 * direct reply-to (the reply confirms the request), and reconnection (amqp-connection-manager) that
 * re-declares and re-attaches everything. See topology.ts for the names and arguments.
 */
export class RabbitMqTransport implements Transport {
  readonly kind = 'rabbitmq' as const;
  private readonly logger: Logger;
  private readonly connections: ConnectionManager;
  private readonly events: EventPublisher;
  private readonly rpc: RpcClient;
  private readonly consumers: QueueConsumer[] = [];
  /** Every hospital route asked for, by queue and event: declared again on each new connection. */
  private readonly hospitalRoutes = new Map<string, HospitalRoutes>();
  private readonly settings: Required<
    Omit<RabbitMqTransportOptions, 'url' | 'service' | 'knownSubscriptions'>
  >;

  constructor(private readonly options: RabbitMqTransportOptions) {
    this.settings = {
      connectTimeoutMs: options.connectTimeoutMs ?? 30_000,
      publishTimeoutMs: options.publishTimeoutMs ?? 30_000,
      rpcPrefetch: options.rpcPrefetch ?? 32,
      reconnectMs: options.reconnectMs ?? 1_000,
      heartbeatSeconds: options.heartbeatSeconds ?? 10,
      closeTimeoutMs: options.closeTimeoutMs ?? 5_000,
      routingSettleMs: options.routingSettleMs ?? 5_000,
    };
    const name = `${options.service}@${hostname()}:${process.pid}`;
    this.logger = new Logger(`RabbitMq:${options.service}`);
    this.connections = new ConnectionManager(
      {
        url: options.url,
        name,
        heartbeatSeconds: this.settings.heartbeatSeconds,
        reconnectMs: this.settings.reconnectMs,
        handshakeTimeoutMs: 10_000,
      },
      // Declared before the connection is handed out, so a publish never meets a missing exchange (nor, for
      // the known subscriptions, a missing queue or binding).
      (connection) => this.declarePublishing(connection),
    );
    this.connections.onConnected((connection) => {
      this.declareRoutes(connection, [...this.hospitalRoutes.values()]).catch((error: unknown) => {
        this.logger.error(`cannot route hospitals after reconnect: ${describe(error)}`);
      });
      for (const consumer of this.consumers) {
        consumer.attach(connection).catch((error: unknown) => {
          this.logger.error(`${consumer.label}: cannot consume after reconnect: ${describe(error)}`);
        });
      }
    });
    this.events = new EventPublisher(new ConfirmPublisher(this.connections, this.settings.routingSettleMs), {
      service: options.service,
      publishTimeoutMs: this.settings.publishTimeoutMs,
    });
    this.rpc = new RpcClient(this.connections);
  }

  /** Connects (rejects with SERVICE_UNAVAILABLE if the broker is not reachable within connectTimeoutMs). */
  async start(): Promise<void> {
    this.connections.start();
    try {
      await this.connections.connectionBy(Date.now() + this.settings.connectTimeoutMs);
    } catch (error) {
      // A half-started transport must not keep reconnecting (and the process alive) behind a failed boot.
      await this.connections.close();
      throw error;
    }
  }

  async stopConsuming(): Promise<void> {
    const consumers = this.consumers.splice(0);
    await Promise.all(consumers.map((consumer) => consumer.stop(this.settings.closeTimeoutMs)));
  }

  async close(): Promise<void> {
    await this.stopConsuming();
    this.rpc.rejectAll('the transport is closing');
    await this.connections.close();
  }

  request(pattern: string, payload: unknown, options: RequestOptions): Promise<RpcEnvelope> {
    return this.rpc.request(pattern, payload, options);
  }

  async serve(pattern: string, handler: RpcServeHandler): Promise<void> {
    await this.add(new RpcServer(this.connections, pattern, this.settings.rpcPrefetch, handler));
  }

  publish(event: string, payload: unknown, options: PublishOptions): Promise<void> {
    return this.events.publish(event, payload, options);
  }

  /**
   * Bindings are durable, yet they are declared again on every new connection, as subscriptions are: after a
   * broker restart a recovered binding may not route until declared again (publisher.ts).
   */
  async routeHospitals(queue: string, event: string, hospitalIds: readonly string[]): Promise<void> {
    if (hospitalIds.length === 0) return;
    const key = JSON.stringify([queue, event]);
    const routes = this.hospitalRoutes.get(key) ?? { queue, event, hospitalIds: new Set<string>() };
    for (const hospitalId of hospitalIds) routes.hospitalIds.add(hospitalId);
    this.hospitalRoutes.set(key, routes);
    const connection = await this.connections.connectionBy(Date.now() + this.settings.connectTimeoutMs);
    await this.declareRoutes(connection, [{ queue, event, hospitalIds: new Set(hospitalIds) }]);
  }

  private async declareRoutes(connection: ChannelModel, routes: HospitalRoutes[]): Promise<void> {
    if (routes.length === 0) return;
    // A channel of its own: a failed declaration closes its channel, and must take nothing else down.
    const channel = await openQuietly(connection);
    try {
      for (const { queue, event, hospitalIds } of routes) {
        await declareHospitalRoutes(channel, queue, event, [...hospitalIds]);
      }
    } finally {
      await closeQuietly(channel);
    }
  }

  /**
   * The events exchange, then the known subscriptions. The exchange must be there (a failure drops the
   * connection, and the reconnect tries again); a subscription that cannot be declared (a queue changed by
   * hand, say) is logged and skipped: the service still publishes, as it did before publishers declared
   * subscriptions, and the subscriber itself refuses to start with the reason. A failed declaration closes
   * its channel, hence a new one for the next.
   */
  private async declarePublishing(connection: ChannelModel): Promise<void> {
    let channel = await openQuietly(connection);
    try {
      await declareEventsExchange(channel);
      for (const subscription of this.options.knownSubscriptions ?? []) {
        try {
          await declareSubscriptionQueue(channel, subscription);
        } catch (error) {
          this.logger.error(`cannot declare the subscription ${subscription.queue}: ${describe(error)}`);
          await closeQuietly(channel);
          channel = await openQuietly(connection);
        }
      }
    } finally {
      await closeQuietly(channel);
    }
  }

  async subscribe(event: string, options: SubscribeOptions, handler: EventConsumeHandler): Promise<void> {
    await this.add(new EventConsumer(this.connections, event, options, handler));
  }

  async health(): Promise<TransportHealth> {
    const { connected, detail } = this.connections.health();
    const problems = this.consumers.flatMap((consumer) => (consumer.problem ? [consumer.problem] : []));
    if (!connected || problems.length === 0) return { ok: connected, detail };
    return { ok: false, detail: `${detail}; not consuming: ${problems.join('; ')}` };
  }

  async deadLetterCounts(queues: string[]): Promise<DeadLetterCount[]> {
    const connection = await this.connections.connectionBy(Date.now() + this.settings.connectTimeoutMs);
    return countDeadLetters(connection, queues);
  }

  /**
   * Registers a consumer (re-attached on every reconnect) and attaches it now. A declaration that fails
   * (arguments differing from an existing queue) rejects here, so the app fails to start with the reason
   * rather than run without the consumer.
   */
  private async add(consumer: QueueConsumer): Promise<void> {
    this.consumers.push(consumer);
    try {
      for (;;) {
        const connection = await this.connections.connectionBy(Date.now() + this.settings.connectTimeoutMs);
        try {
          await consumer.attach(connection);
          return;
        } catch (error) {
          // Lost the connection meanwhile: the reconnect attaches it; anything else is a real failure.
          if (this.connections.connection === connection) throw error;
        }
      }
    } catch (error) {
      this.consumers.splice(this.consumers.indexOf(consumer), 1);
      await consumer.stop(0);
      throw error;
    }
  }
}
