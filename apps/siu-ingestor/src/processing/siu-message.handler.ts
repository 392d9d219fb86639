import { Controller } from '@nestjs/common';
import type { SiuMessageReceivedEventV1, SiuSliceStoredEventV1 } from '@bridge/contracts';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import type { EventConsumerOptions, MessageContext } from '@bridge/messaging';
import { SiuMessageBatcher } from './siu-message.batcher';
import { refusalOf, SiuMessageProcessor, sliceVerdict } from './siu-message.processor';

/**
 * The consumers' delivery settings. Retries back off from 0.5 s to 32 s (about a minute in all), enough to
 * ride out a broker restart or a patient-import deploy; the last attempt records the message failed.
 */
const SIU_DELIVERY = { maxAttempts: 8, backoffMs: 500 } as const;

/** Single messages (real-time listeners, reprocessing), gathered into batches by the batcher. */
export const SIU_CONSUMER = {
  queue: 'siu-ingestor.process',
  prefetch: 512,
  ...SIU_DELIVERY,
} as const satisfies EventConsumerOptions;

/** A file's messages, a slice (one batch) per delivery: about as many messages in flight as SIU_CONSUMER. */
export const SIU_SLICE_CONSUMER = {
  queue: 'siu-ingestor.process-slices',
  prefetch: 5,
  ...SIU_DELIVERY,
} as const satisfies EventConsumerOptions;

/** Competing consumers of the SIU events: every siu-ingestor instance takes its share. */
@Controller()
export class SiuMessageHandler {
  constructor(
    private readonly batcher: SiuMessageBatcher,
    private readonly processor: SiuMessageProcessor,
  ) {}

  @EventPattern('siu.message.received.v1', SIU_CONSUMER)
  handle(@Payload() event: SiuMessageReceivedEventV1, @Ctx() context: MessageContext): Promise<void> {
    return this.batcher.submit({ event, attempt: context.attempt });
  }

  /** Acked once every message of the slice has its outcome; retried (or dead-lettered) as one. */
  @EventPattern('siu.slice.stored.v1', SIU_SLICE_CONSUMER)
  async handleSlice(@Payload() slice: SiuSliceStoredEventV1, @Ctx() context: MessageContext): Promise<void> {
    const verdicts = await this.processor.process(
      slice.messageIds.map((messageId) => ({
        event: { hospitalId: slice.hospitalId, messageId, channel: 'siu-file' as const },
        attempt: context.attempt,
      })),
    );
    const verdict = sliceVerdict(verdicts);
    if (verdict.kind !== 'ack') throw refusalOf(verdict);
  }
}
