import { Inject, Injectable } from '@nestjs/common';
import { SIU_OPTIONS, type SiuOptions } from '../siu.options';
import { refusalOf, SiuMessageProcessor, type SiuDelivery } from './siu-message.processor';

/** How long the first message of a batch waits for company; a lone message is processed after this. */
const LINGER_MS = 5;

interface Waiting {
  delivery: SiuDelivery;
  resolve(): void;
  reject(error: Error): void;
}

/**
 * Turns the transport's one-message-at-a-time deliveries into batches. Each delivery's promise settles
 * with its own verdict once the batch is stored, so the transport acks a message only after its outcome
 * committed, retries it alone, or dead-letters it alone.
 */
@Injectable()
export class SiuMessageBatcher {
  private waiting: Waiting[] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly processor: SiuMessageProcessor,
    @Inject(SIU_OPTIONS) private readonly options: SiuOptions,
  ) {}

  submit(delivery: SiuDelivery): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.waiting.push({ delivery, resolve, reject });
      if (this.waiting.length >= this.options.applyBatch) this.flush();
      else this.timer ??= setTimeout(() => this.flush(), LINGER_MS);
    });
  }

  private flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    const batch = this.waiting.splice(0, this.options.applyBatch);
    if (this.waiting.length > 0) this.timer = setTimeout(() => this.flush(), LINGER_MS);
    void this.run(batch);
  }

  private async run(batch: Waiting[]): Promise<void> {
    try {
      const verdicts = await this.processor.process(batch.map((waiting) => waiting.delivery));
      for (const [index, waiting] of batch.entries()) {
        const verdict = verdicts[index];
        if (verdict.kind === 'ack') waiting.resolve();
        else waiting.reject(refusalOf(verdict));
      }
    } catch (error) {
      // The batch as a whole could not be read or stored (database down): every message is tried again.
      for (const waiting of batch) waiting.reject(error instanceof Error ? error : new Error(String(error)));
    }
  }
}
