import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import {
  DomainError,
  EVENT_PAYLOAD_CLASSES,
  RPC_REQUEST_CLASSES,
  isDomainError,
  validatePayload,
  type RpcPattern,
} from '@bridge/contracts';
import { withCorrelationId } from '@bridge/logging';
import { EVENT_HANDLER_METADATA, RPC_HANDLER_METADATA, type EventHandlerMetadata } from './handlers';
import { PoisonMessageError, TRANSPORT, type MessageMeta, type RpcEnvelope, type Transport } from './transport';

type BoundMethod = (payload: unknown, meta: MessageMeta) => Promise<unknown>;

/**
 * Finds @RpcHandler / @EventHandler methods in this app's providers and binds them to the transport.
 * This is the one place where incoming payloads are validated and failures become RPC envelopes.
 */
@Injectable()
export class HandlerRegistry implements OnApplicationBootstrap {
  private readonly logger = new Logger('HandlerRegistry');

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    private readonly reflector: Reflector,
    @Inject(TRANSPORT) private readonly transport: Transport,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    for (const wrapper of this.discovery.getProviders()) {
      const instance: unknown = wrapper.instance;
      if (!instance || typeof instance !== 'object') continue;
      const prototype = Object.getPrototypeOf(instance) as object;
      for (const name of this.scanner.getAllMethodNames(prototype)) {
        const method = (instance as Record<string, BoundMethod>)[name];
        const pattern = this.reflector.get<RpcPattern | undefined>(RPC_HANDLER_METADATA, method);
        if (pattern) await this.bindRpc(pattern, method.bind(instance));
        const event = this.reflector.get<EventHandlerMetadata | undefined>(EVENT_HANDLER_METADATA, method);
        if (event) await this.bindEvent(event, method.bind(instance));
      }
    }
  }

  private async bindRpc(pattern: RpcPattern, method: BoundMethod): Promise<void> {
    const requestClass = RPC_REQUEST_CLASSES[pattern] as new () => object;
    await this.transport.serve(pattern, (payload, meta) =>
      withCorrelationId(meta.correlationId, async (): Promise<RpcEnvelope> => {
        try {
          const request = validatePayload(requestClass, payload);
          return { ok: true, result: (await method(request, meta)) ?? null };
        } catch (error) {
          if (isDomainError(error)) return { ok: false, error: error.toPayload() };
          this.logger.error({ msg: 'RPC failed', pattern, error: describe(error) }, (error as Error)?.stack);
          return { ok: false, error: new DomainError('INTERNAL_ERROR', 'Internal error.').toPayload() };
        }
      }),
    );
  }

  private async bindEvent(metadata: EventHandlerMetadata, method: BoundMethod): Promise<void> {
    const payloadClass = EVENT_PAYLOAD_CLASSES[metadata.event] as new () => object;
    const options = {
      queue: metadata.queue,
      prefetch: metadata.prefetch ?? 16,
      maxAttempts: metadata.maxAttempts ?? 5,
      backoffMs: metadata.backoffMs ?? 200,
    };
    await this.transport.subscribe(metadata.event, options, (payload, meta) =>
      withCorrelationId(meta.correlationId, async () => {
        let event: object;
        try {
          event = validatePayload(payloadClass, payload);
        } catch (error) {
          throw new PoisonMessageError(`invalid ${metadata.event} payload: ${describe(error)}`);
        }
        await method(event, meta);
      }),
    );
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
