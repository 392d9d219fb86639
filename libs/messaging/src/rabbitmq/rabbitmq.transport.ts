import type {
  EventConsumeHandler,
  PublishOptions,
  RequestOptions,
  RpcEnvelope,
  RpcServeHandler,
  SubscribeOptions,
  Transport,
  TransportHealth,
} from '../transport';

export interface RabbitMqTransportOptions {
  url: string;
  /** Prefixes this process's reply queue and connection name. */
  service: string;
}

/** Placeholder: being written (amqplib, confirm channels, DLQ, reconnect). */
export class RabbitMqTransport implements Transport {
  readonly kind = 'rabbitmq' as const;
  constructor(private readonly options: RabbitMqTransportOptions) {}
  async start(): Promise<void> {
    throw new Error(`RabbitMQ transport not implemented yet (${this.options.service})`);
  }
  async close(): Promise<void> {}
  async request(_pattern: string, _payload: unknown, _options: RequestOptions): Promise<RpcEnvelope> {
    throw new Error('not implemented');
  }
  async serve(_pattern: string, _handler: RpcServeHandler): Promise<void> {}
  async publish(_event: string, _payload: unknown, _options: PublishOptions): Promise<void> {}
  async subscribe(_event: string, _options: SubscribeOptions, _handler: EventConsumeHandler): Promise<void> {}
  async health(): Promise<TransportHealth> {
    return { ok: false, detail: 'not implemented' };
  }
}
