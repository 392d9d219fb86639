import { Controller } from '@nestjs/common';
import type { SiuMessageReceivedEventV1 } from '@bridge/contracts';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import type { EventConsumerOptions, MessageContext } from '@bridge/messaging';
import { SiuMessageBatcher } from './siu-message.batcher';

/**
 * The consumer's delivery settings. Retries back off from 0.5 s to 32 s (about a minute in all), enough to
 * ride out a broker restart or a patient-import deploy; the last attempt records the message failed.
 */
export const SIU_CONSUMER = {
  queue: 'siu-ingestor.process',
  prefetch: 512,
  maxAttempts: 8,
  backoffMs: 500,
} as const satisfies EventConsumerOptions;

/** Competing consumers of `siu.message.received.v1`: every siu-ingestor instance takes its share. */
@Controller()
export class SiuMessageHandler {
  constructor(private readonly batcher: SiuMessageBatcher) {}

  @EventPattern('siu.message.received.v1', SIU_CONSUMER)
  handle(@Payload() event: SiuMessageReceivedEventV1, @Ctx() context: MessageContext): Promise<void> {
    return this.batcher.submit({ event, attempt: context.attempt });
  }
}
