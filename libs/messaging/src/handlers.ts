import { SetMetadata } from '@nestjs/common';
import type { EventName, RpcPattern } from '@bridge/contracts';

export const RPC_HANDLER_METADATA = 'bridge:rpc-handler';
export const EVENT_HANDLER_METADATA = 'bridge:event-handler';

export interface EventHandlerOptions {
  /** Durable queue, `<service>.<purpose>`; every instance of the service competes on it. */
  queue: string;
  prefetch?: number;
  maxAttempts?: number;
  backoffMs?: number;
}

/** Marks a method as the receiver of an RPC pattern; its argument is the validated request class. */
export const RpcHandler = (pattern: RpcPattern): MethodDecorator => SetMetadata(RPC_HANDLER_METADATA, pattern);

export interface EventHandlerMetadata extends EventHandlerOptions {
  event: EventName;
}

/** Marks a method as a consumer of an event. Make it idempotent: use Inbox.once. */
export const EventHandler = (event: EventName, options: EventHandlerOptions): MethodDecorator =>
  SetMetadata(EVENT_HANDLER_METADATA, { event, ...options } satisfies EventHandlerMetadata);
