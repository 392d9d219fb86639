import { Inject, Injectable } from '@nestjs/common';
import { DomainError, type RpcPattern, type RpcRequest, type RpcResponse } from '@bridge/contracts';
import { currentCorrelationId } from '@bridge/logging';
import { randomUUID } from 'node:crypto';
import { MESSAGING_OPTIONS, type MessagingOptions } from './messaging.options';
import { TRANSPORT, type Transport, type TransportHealth } from './transport';

/** Typed request/response over whichever transport this process runs. Events go through the Outbox. */
@Injectable()
export class Bus {
  constructor(
    @Inject(TRANSPORT) private readonly transport: Transport,
    @Inject(MESSAGING_OPTIONS) private readonly options: MessagingOptions,
  ) {}

  async request<P extends RpcPattern>(
    pattern: P,
    payload: RpcRequest<P>,
    options: { timeoutMs?: number } = {},
  ): Promise<RpcResponse<P>> {
    const envelope = await this.transport.request(pattern, payload, {
      timeoutMs: options.timeoutMs ?? this.options.rpcTimeoutMs,
      correlationId: currentCorrelationId() ?? randomUUID(),
    });
    if (envelope.ok) return envelope.result as RpcResponse<P>;
    throw DomainError.fromPayload(envelope.error);
  }

  health(): Promise<TransportHealth> {
    return this.transport.health();
  }
}
