import { type DynamicModule, Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import { eventSubscriptions } from '@bridge/contracts';
import { Bus } from './bus';
import { BusMetrics } from './bus-metrics';
import { InProcessTransport } from './in-process/in-process.transport';
import { MESSAGING_OPTIONS, type MessagingOptions } from './messaging.options';
import { BusClient } from './nest/bus.client';
import { BusServer } from './nest/bus.server';
import { Inbox } from './outbox/inbox';
import { Outbox } from './outbox/outbox';
import { OutboxRelay } from './outbox/outbox.relay';
import { RabbitMqTransport } from './rabbitmq/rabbitmq.transport';
import { TRANSPORT, type Transport } from './transport';

export interface MessagingModuleOptions {
  service: string;
  schema: string;
  /** RabbitMQ when set, the process-wide in-process broker otherwise. */
  amqpUrl?: string;
  rpcTimeoutMs?: number;
  outboxPollMs?: number;
  outboxIdlePollMs?: number;
}

class TransportLifecycle implements OnApplicationShutdown {
  constructor(@Inject(TRANSPORT) private readonly transport: Transport) {}
  async onApplicationShutdown(): Promise<void> {
    await this.transport.close();
  }
}

/**
 * The bus for one service: its transport, the ClientProxy (BusClient, typed by Bus) and the custom transport
 * strategy (BusServer) that `createBusMicroservice` hands to Nest. Without a DataSource (the gateway) there
 * is no outbox or inbox.
 */
@Module({})
export class MessagingModule {
  static forService(options: MessagingModuleOptions & { persistence: boolean }): DynamicModule {
    const resolved: MessagingOptions = {
      service: options.service,
      schema: options.schema,
      rpcTimeoutMs: options.rpcTimeoutMs ?? 10_000,
      outboxPollMs: options.outboxPollMs ?? 100,
      outboxIdlePollMs: options.outboxIdlePollMs ?? 1000,
    };
    const transportProvider = {
      provide: TRANSPORT,
      useFactory: async (): Promise<Transport> => {
        const transport = options.amqpUrl
          ? new RabbitMqTransport({
              url: options.amqpUrl,
              service: options.service,
              knownSubscriptions: eventSubscriptions(),
            })
          : new InProcessTransport();
        await transport.start();
        return transport;
      },
    };
    const persistence = options.persistence ? [Outbox, Inbox, OutboxRelay] : [];
    return {
      module: MessagingModule,
      global: true,
      providers: [
        { provide: MESSAGING_OPTIONS, useValue: resolved },
        transportProvider,
        { provide: BusMetrics, useValue: new BusMetrics(options.service) },
        {
          provide: BusClient,
          inject: [TRANSPORT, BusMetrics],
          useFactory: (transport: Transport, metrics: BusMetrics) =>
            new BusClient(transport, resolved.rpcTimeoutMs, metrics),
        },
        {
          provide: BusServer,
          inject: [TRANSPORT, BusMetrics],
          useFactory: (transport: Transport, metrics: BusMetrics) => new BusServer(transport, metrics),
        },
        TransportLifecycle,
        Bus,
        ...persistence,
      ],
      exports: [Bus, BusClient, BusServer, BusMetrics, TRANSPORT, ...persistence],
    };
  }
}
