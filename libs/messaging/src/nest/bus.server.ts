import { Logger } from '@nestjs/common';
import { Server, type CustomTransportStrategy, type MessageHandler } from '@nestjs/microservices';
import {
  DomainError,
  EVENT_PAYLOAD_CLASSES,
  RPC_REQUEST_CLASSES,
  isDomainError,
  subscriptionOf,
  validatePayload,
} from '@bridge/contracts';
import { withCorrelationId } from '@bridge/logging';
import { contextOf, failSpan, SpanKind, startSpan } from '@bridge/observability';
import { context, trace, type Span } from '@opentelemetry/api';
import { lastValueFrom } from 'rxjs';
import type { BusMetrics } from '../bus-metrics';
import { PoisonMessageError, type MessageMeta, type RpcEnvelope, type Transport } from '../transport';
import { EVENT_CONSUMER_DEFAULTS, type EventConsumerOptions } from './event-consumer-options';
import { MessageContext } from './message-context';

type PayloadClass = new () => object;

/**
 * The receiving side of the bus as a Nest custom transport: Nest finds the `@MessagePattern` and
 * `@EventPattern` methods of the app's controllers and registers them here; `listen` serves each RPC
 * pattern and subscribes each event handler on the transport (RabbitMQ or in-process).
 *
 * This is the one place where incoming payloads are validated against the contracts and where a handler's
 * outcome becomes what travels back: an `{ok, result}` / `{ok: false, error}` envelope for an RPC (domain
 * errors keep their code, anything else is INTERNAL_ERROR), resolve (ack) / reject (retry) / poison
 * (dead-letter now) for an event. Handlers run inside the message's correlation scope.
 */
export class BusServer extends Server implements CustomTransportStrategy {
  protected override readonly logger = new Logger('BusServer');

  constructor(
    private readonly transport: Transport,
    private readonly metrics: BusMetrics,
  ) {
    super();
  }

  /** Rejects (the app fails to start, with the reason) when a pattern is unknown or a queue cannot be declared. */
  listen(callback: (error?: unknown) => void): void {
    this.bindAll().then(
      () => callback(),
      (error: unknown) => callback(error),
    );
  }

  /**
   * Nest closes the server before any shutdown hook runs, so the handlers stop here while the database
   * they use is still open (an RPC during shutdown gets SERVICE_UNAVAILABLE, an event stays queued). The
   * transport itself belongs to the messaging module: its client sends over it until shutdown.
   */
  async close(): Promise<void> {
    await this.transport.stopConsuming();
  }

  on(): never {
    throw new Error('BusServer has no events to listen to.');
  }

  unwrap<T>(): T {
    return this.transport as T;
  }

  /** All at once: each binding is a few broker round trips, and a service has dozens of patterns. */
  private async bindAll(): Promise<void> {
    const bindings: Promise<void>[] = [];
    for (const [pattern, head] of this.messageHandlers) {
      if (head.isEventHandler) {
        // Nest chains event handlers of one pattern; each has its own queue here, so each is bound alone.
        for (const handler of unchain(head)) bindings.push(this.bindEvent(pattern, handler));
      } else {
        bindings.push(this.bindRpc(pattern, head));
      }
    }
    await Promise.all(bindings);
  }

  private async bindRpc(pattern: string, handler: MessageHandler): Promise<void> {
    const requestClass = (RPC_REQUEST_CLASSES as Record<string, PayloadClass | undefined>)[pattern];
    if (!requestClass)
      throw new Error(`@MessagePattern('${pattern}') is not an RPC pattern of libs/contracts.`);
    await this.transport.serve(pattern, (payload, meta) =>
      this.traced(pattern, SpanKind.SERVER, meta, async (span): Promise<RpcEnvelope> => {
        const envelope = await this.answer(pattern, requestClass, handler, payload, meta);
        if (!envelope.ok) failSpan(span, envelope.error);
        this.metrics.consumed(pattern, 'rpc', envelope.ok ? 'ok' : 'error');
        return envelope;
      }),
    );
  }

  private async answer(
    pattern: string,
    requestClass: PayloadClass,
    handler: MessageHandler,
    payload: unknown,
    meta: MessageMeta,
  ): Promise<RpcEnvelope> {
    try {
      const request = validatePayload(requestClass, payload);
      return { ok: true, result: (await this.run(handler, request, meta)) ?? null };
    } catch (error) {
      if (isDomainError(error)) return { ok: false, error: error.toPayload() };
      this.logger.error({ msg: 'RPC failed', pattern, error: describe(error) }, (error as Error)?.stack);
      return { ok: false, error: new DomainError('INTERNAL_ERROR', 'Internal error.').toPayload() };
    }
  }

  private async bindEvent(event: string, handler: MessageHandler): Promise<void> {
    const payloadClass = (EVENT_PAYLOAD_CLASSES as Record<string, PayloadClass | undefined>)[event];
    if (!payloadClass) throw new Error(`@EventPattern('${event}') is not an event of libs/contracts.`);
    const options = (handler.extras ?? {}) as Partial<EventConsumerOptions>;
    if (!options.queue) {
      throw new Error(
        `@EventPattern('${event}') needs its queue: @EventPattern(event, { queue: '<service>.<purpose>' }).`,
      );
    }
    const listed = subscriptionOf(options.queue);
    if (listed?.event !== event || !!listed.byHospital !== !!options.byHospital) {
      throw new Error(
        `@EventPattern('${event}', { queue: '${options.queue}' }) does not match its entry in libs/contracts ` +
          'EVENT_SUBSCRIPTIONS (event and byHospital): every publisher declares the subscriptions listed there.',
      );
    }
    const subscription = { ...EVENT_CONSUMER_DEFAULTS, ...options, queue: options.queue };
    await this.transport.subscribe(event, subscription, (payload, meta) =>
      this.traced(event, SpanKind.CONSUMER, meta, async (span) => {
        try {
          let validated: object;
          try {
            validated = validatePayload(payloadClass, payload);
          } catch (error) {
            throw new PoisonMessageError(`invalid ${event} payload: ${describe(error)}`);
          }
          await this.run(handler, validated, meta);
          this.metrics.consumed(event, 'event', 'ok');
        } catch (error) {
          failSpan(span, error);
          this.metrics.consumed(event, 'event', 'error');
          // What the transport does next with a rejection: retry while attempts remain, else dead-letter.
          if (error instanceof PoisonMessageError || meta.attempt >= subscription.maxAttempts) {
            this.metrics.deadLettered(event);
          } else {
            this.metrics.retried(event);
          }
          throw error;
        }
      }),
    );
  }

  /**
   * Runs a delivery in its correlation scope and in a span continuing the sender's trace (the message's
   * traceparent), so the handler's database work and the events it writes belong to that trace.
   */
  private traced<T>(
    pattern: string,
    kind: SpanKind,
    meta: MessageMeta,
    work: (span: Span) => Promise<T>,
  ): Promise<T> {
    return withCorrelationId(meta.correlationId, async () => {
      const parent = contextOf(meta.traceparent);
      const span = startSpan(this.metrics.service, `${pattern} process`, {
        kind,
        parent,
        attributes: {
          'messaging.system': this.transport.kind,
          'messaging.destination.name': pattern,
          'messaging.message.id': meta.messageId,
        },
      });
      try {
        return await context.with(trace.setSpan(parent, span), () => work(span));
      } finally {
        span.end();
      }
    });
  }

  /** Runs Nest's handler (pipes, interceptors, the filter that passes errors on) to its last value. */
  private async run(handler: MessageHandler, data: object, meta: MessageMeta): Promise<unknown> {
    const result: unknown = await handler(data, new MessageContext(meta));
    return lastValueFrom(this.transformToObservable(result), { defaultValue: undefined });
  }
}

function unchain(head: MessageHandler): MessageHandler[] {
  const handlers: MessageHandler[] = [];
  for (let handler: MessageHandler | undefined = head; handler; handler = handler.next as MessageHandler) {
    handlers.push(handler);
  }
  for (const handler of handlers) handler.next = undefined;
  return handlers;
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
