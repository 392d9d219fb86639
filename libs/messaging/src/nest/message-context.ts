import { BaseRpcContext } from '@nestjs/microservices';
import type { MessageMeta } from '../transport';

/**
 * What `@Ctx()` gives a handler: the delivery's metadata. `messageId` is what the inbox dedupes on (stable
 * across redeliveries), `attempt` counts deliveries of an event (1 first, then each retry).
 */
export class MessageContext extends BaseRpcContext<[MessageMeta]> implements MessageMeta {
  constructor(meta: MessageMeta) {
    super([meta]);
  }

  get messageId(): string {
    return this.args[0].messageId;
  }

  get correlationId(): string {
    return this.args[0].correlationId;
  }

  get attempt(): number {
    return this.args[0].attempt;
  }
}
