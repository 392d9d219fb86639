import { ClientProxy, type ReadPacket, type WritePacket } from '@nestjs/microservices';
import { DomainError } from '@bridge/contracts';
import { currentCorrelationId } from '@bridge/logging';
import { randomUUID } from 'node:crypto';
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
    let cancelled = false;
    this.transport
      .request(packet.pattern as string, data, {
        timeoutMs: options.timeoutMs ?? this.defaultTimeoutMs,
        correlationId: options.correlationId ?? currentCorrelationId() ?? randomUUID(),
      })
      .then(
        (envelope) => {
          if (cancelled) return;
          if (envelope.ok) callback({ response: envelope.result, isDisposed: true });
          else callback({ err: DomainError.fromPayload(envelope.error), isDisposed: true });
        },
        (error: unknown) => {
          if (!cancelled) callback({ err: error, isDisposed: true });
        },
      );
    return () => {
      cancelled = true;
    };
  }

  protected async dispatchEvent<T = void>(packet: ReadPacket): Promise<T> {
    const { data, options } = unpack(packet.data);
    const messageId = options.messageId ?? randomUUID();
    await this.transport.publish(packet.pattern as string, data, {
      messageId,
      correlationId: options.correlationId ?? currentCorrelationId() ?? messageId,
    });
    return undefined as T;
  }
}

function unpack(data: unknown): BusRecord {
  return data instanceof BusRecord ? data : new BusRecord(data);
}
