import { DomainError } from '@bridge/contracts';
import { randomUUID } from 'node:crypto';
import { hospitalOf } from '../dead-letter-hospital';
import type {
  DeadLetterCount,
  EventConsumeHandler,
  PublishOptions,
  RequestOptions,
  RpcEnvelope,
  RpcServeHandler,
  SubscribeOptions,
  Transport,
  TransportHealth,
} from '../transport';
import { InFlight } from '../in-flight';
import { processBroker, type InProcessBroker } from './in-process.broker';

/** How long stopConsuming() waits for running handlers, as RabbitMqTransport's closeTimeoutMs default. */
const DRAIN_MS = 5_000;

/**
 * The transport of the embedded default. Payloads are cloned on the way in and out, so a handler
 * never shares objects with its caller — the same isolation the wire gives in production.
 */
export class InProcessTransport implements Transport {
  readonly kind = 'in-process' as const;

  /** Handlers of this transport running now (stopConsuming waits for them). */
  private readonly inFlight = new InFlight();

  constructor(private readonly broker: InProcessBroker = processBroker) {}

  async start(): Promise<void> {}

  /** Detaches, then lets the handlers already running finish (for up to DRAIN_MS), as RabbitMQ's consumers do. */
  async stopConsuming(): Promise<void> {
    this.broker.detach(this);
    await this.inFlight.idle(DRAIN_MS);
  }

  async close(): Promise<void> {
    await this.stopConsuming();
  }

  async request(pattern: string, payload: unknown, options: RequestOptions): Promise<RpcEnvelope> {
    const handler = this.broker.rpcHandler(pattern);
    if (!handler) throw new DomainError('SERVICE_UNAVAILABLE', `No service answers ${pattern}.`);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(new DomainError('RPC_TIMEOUT', `${pattern} did not answer within ${options.timeoutMs} ms.`)),
        options.timeoutMs,
      );
    });
    try {
      const meta = {
        messageId: randomUUID(),
        correlationId: options.correlationId,
        attempt: 1,
        ...(options.traceparent ? { traceparent: options.traceparent } : {}),
      };
      const envelope = await Promise.race([handler(wireCopy(payload), meta), timeout]);
      return wireCopy(envelope);
    } finally {
      clearTimeout(timer);
    }
  }

  async serve(pattern: string, handler: RpcServeHandler): Promise<void> {
    this.broker.serve(this, pattern, (payload, meta) => this.inFlight.track(() => handler(payload, meta)));
  }

  /** Resolves once queued: while a consumer lags far behind, that is when its queue has room (flow control). */
  async publish(event: string, payload: unknown, options: PublishOptions): Promise<void> {
    await this.broker.publish(event, wireCopy(payload), {
      messageId: options.messageId,
      correlationId: options.correlationId,
      attempt: 1,
      ...(options.traceparent ? { traceparent: options.traceparent } : {}),
    });
  }

  async subscribe(event: string, options: SubscribeOptions, handler: EventConsumeHandler): Promise<void> {
    this.broker.subscribe(this, event, options, (payload, meta) =>
      this.inFlight.track(() => handler(payload, meta)),
    );
  }

  async routeHospitals(queue: string, event: string, hospitalIds: readonly string[]): Promise<void> {
    this.broker.routeHospitals(queue, event, hospitalIds);
  }

  async health(): Promise<TransportHealth> {
    return { ok: true, detail: 'in-process bus' };
  }

  async deadLetterCounts(queues: string[]): Promise<DeadLetterCount[]> {
    const counts = new Map<string, DeadLetterCount>();
    for (const letter of this.broker.deadLetters) {
      if (!queues.includes(letter.queue)) continue;
      const hospitalId = hospitalOf(letter.payload);
      const key = `${letter.queue}|${hospitalId ?? ''}`;
      const entry = counts.get(key) ?? {
        queue: letter.queue,
        count: 0,
        ...(hospitalId ? { hospitalId } : {}),
      };
      entry.count += 1;
      counts.set(key, entry);
    }
    return [...counts.values()];
  }
}

/** What survives JSON is what survives the wire: dates become strings, undefined disappears. */
function wireCopy<T>(value: T): T {
  return value === undefined ? value : (JSON.parse(JSON.stringify(value)) as T);
}
