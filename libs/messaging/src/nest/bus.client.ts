import { ClientProxy, type ReadPacket, type WritePacket } from '@nestjs/microservices';
import { DomainError } from '@bridge/contracts';
import { currentCorrelationId } from '@bridge/logging';
import { contextOf, failSpan, SpanKind, startSpan, traceparentOf } from '@bridge/observability';
import { context, trace } from '@opentelemetry/api';
import { randomUUID } from 'node:crypto';
import { BusMetrics } from '../bus-metrics';
import type { Transport } from '../transport';
import { BusRecord } from './bus-record';

/**
 * The sending side of the bus as a Nest ClientProxy over this service's transport (RabbitMQ or
 * in-process). `send` resolves with the handler's result or errors with the DomainError it threw (or
 * RPC_TIMEOUT / SERVICE_UNAVAILABLE); `emit` completes once the broker confirmed the event. Apps use the
 * typed `Bus` for RPCs and the `Outbox` for events; this class is what both go through.
 */
export class BusClient extends ClientProxy {
  constructor(
    private readonly transport: Transport,
    private readonly defaultTimeoutMs: number,
    private readonly metrics: BusMetrics = new BusMetrics('unnamed'),
  ) {
    super();
  }

  /**
   * The transport is started (and kept connected) by the messaging module. Nothing to wait for here: a
   * request during an outage waits for the broker within its own deadline, inside the transport.
   */
  async connect(): Promise<void> {}

  /** The messaging module closes the transport at shutdown, after the server and the outbox relay. */
  close(): void {}

  unwrap<T>(): T {
    return this.transport as T;
  }

  protected publish(packet: ReadPacket, callback: (packet: WritePacket) => void): () => void {
    const { data, options } = unpack(packet.data);
    const pattern = packet.pattern as string;
    let cancelled = false;
    // The request's span is the parent the serving side continues (traceparent header).
    const span = startSpan(this.metrics.service, `${pattern} send`, {
      kind: SpanKind.CLIENT,
      attributes: { 'messaging.system': this.transport.kind, 'messaging.destination.name': pattern },
    });
    this.metrics.published(pattern, 'rpc');
    this.transport
      .request(pattern, data, {
        timeoutMs: options.timeoutMs ?? this.defaultTimeoutMs,
        correlationId: options.correlationId ?? currentCorrelationId() ?? randomUUID(),
        traceparent: traceparentOf(trace.setSpan(context.active(), span)),
      })
      .then(
        (envelope) => {
          if (!envelope.ok) failSpan(span, envelope.error);
          span.end();
          if (cancelled) return;
          if (envelope.ok) callback({ response: envelope.result, isDisposed: true });
          else callback({ err: DomainError.fromPayload(envelope.error), isDisposed: true });
        },
        (error: unknown) => {
          failSpan(span, error);
          span.end();
          if (!cancelled) callback({ err: error, isDisposed: true });
        },
      );
    return () => {
      cancelled = true;
    };
  }

  protected async dispatchEvent<T = void>(packet: ReadPacket): Promise<T> {
    const { data, options } = unpack(packet.data);
    const event = packet.pattern as string;
    const messageId = options.messageId ?? randomUUID();
    // An outbox row carries the trace it was written in: its publish continues that trace, not the relay's.
    const parent = options.traceparent ? contextOf(options.traceparent) : context.active();
    const span = startSpan(this.metrics.service, `${event} publish`, {
      kind: SpanKind.PRODUCER,
      parent,
      attributes: { 'messaging.system': this.transport.kind, 'messaging.destination.name': event },
    });
    try {
      await this.transport.publish(event, data, {
        messageId,
        correlationId: options.correlationId ?? currentCorrelationId() ?? messageId,
        traceparent: traceparentOf(trace.setSpan(parent, span)),
      });
      this.metrics.published(event, 'event');
    } catch (error) {
      failSpan(span, error);
      throw error;
    } finally {
      span.end();
    }
    return undefined as T;
  }
}

function unpack(data: unknown): BusRecord {
  return data instanceof BusRecord ? data : new BusRecord(data);
}
