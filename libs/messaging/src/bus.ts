import { Inject, Injectable } from '@nestjs/common';
import type { EventName, RpcPattern, RpcRequest, RpcResponse } from '@bridge/contracts';
import { currentCorrelationId } from '@bridge/logging';
import { randomUUID } from 'node:crypto';
import { lastValueFrom } from 'rxjs';
import { BusClient } from './nest/bus.client';
import { BusRecord } from './nest/bus-record';
import { TRANSPORT, type Transport, type TransportHealth } from './transport';

/**
 * Typed request/response over the contracts map: a payload that does not fit its pattern does not compile.
 * A thin wrapper around the service's ClientProxy (BusClient). Events go through the Outbox.
 */
@Injectable()
export class Bus {
  constructor(
    private readonly client: BusClient,
    @Inject(TRANSPORT) private readonly transport: Transport,
  ) {}

  /** Resolves with the handler's result; rejects with its DomainError, or RPC_TIMEOUT / SERVICE_UNAVAILABLE. */
  request<P extends RpcPattern>(
    pattern: P,
    payload: RpcRequest<P>,
    options: { timeoutMs?: number } = {},
  ): Promise<RpcResponse<P>> {
    const record = new BusRecord(payload, {
      timeoutMs: options.timeoutMs,
      correlationId: currentCorrelationId() ?? randomUUID(),
    });
    return lastValueFrom(this.client.send<RpcResponse<P>>(pattern, record));
  }

  /**
   * Refuses a hospital user-provisioning does not know (its NOT_FOUND reaches the caller). Hospitals live
   * there: a service never trusts a caller-supplied hospital id before it writes under it.
   */
  async requireHospital(hospitalId: string): Promise<void> {
    await this.request('tenancy.hospital.get.v1', { hospitalId });
  }

  /**
   * From now on, `event` of these hospitals reaches the service's `byHospital` subscription `queue` (its
   * `@EventPattern` options). Routes only grow; a service routes every hospital it serves at start and each new
   * one before it starts serving it (routing.ts).
   */
  routeHospitals(event: EventName, queue: string, hospitalIds: readonly string[]): Promise<void> {
    return this.transport.routeHospitals(queue, event, hospitalIds);
  }

  health(): Promise<TransportHealth> {
    return this.transport.health();
  }
}
