import { Controller } from '@nestjs/common';
import type { SiuListenerChangedEventV1 } from '@bridge/contracts';
import { SecretKeyError } from '@bridge/database';
import { PoisonMessageError, type EventConsumerOptions } from '@bridge/messaging';
import { EventPattern, Payload } from '@nestjs/microservices';
import { SiuListeners } from './siu-listeners';
import { SiuListenersRepository } from './siu-listeners.repository';

/** Retries ride out a database restart; versions make every delivery after the first a no-op. */
export const SIU_LISTENER_CONSUMER = {
  queue: 'hl7-gateway.siu-listeners',
  maxAttempts: 8,
  backoffMs: 500,
} as const satisfies EventConsumerOptions;

/**
 * siu-ingestor announces each hospital's listener through its outbox; one instance keeps it in the table
 * every instance runs its listeners from, and starts it here at once (the others on their next read).
 */
@Controller()
export class SiuListenerChangesHandler {
  constructor(
    private readonly repository: SiuListenersRepository,
    private readonly listeners: SiuListeners,
  ) {}

  @EventPattern('siu.listener.changed.v1', SIU_LISTENER_CONSUMER)
  async changed(@Payload() event: SiuListenerChangedEventV1): Promise<void> {
    let applied: boolean;
    try {
      applied = await this.repository.apply(event);
    } catch (error) {
      // A key sealed under another SECRETS_KEY will not open on a retry either: dead-letter it with the reason.
      if (error instanceof SecretKeyError) throw new PoisonMessageError(error.message);
      throw error;
    }
    if (applied) await this.listeners.refreshNow();
  }
}
