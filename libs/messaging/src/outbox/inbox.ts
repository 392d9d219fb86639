import { Inject, Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { MESSAGING_OPTIONS, type MessagingOptions } from '../messaging.options';
import type { MessageMeta } from '../transport';

export type InboxOutcome<T> = { duplicate: true } | { duplicate: false; result: T };

/**
 * Makes a consumer idempotent: the message id is recorded in the same transaction as the work, so a
 * redelivery after a crash (before the ack) finds it and does nothing.
 */
@Injectable()
export class Inbox {
  constructor(
    private readonly dataSource: DataSource,
    @Inject(MESSAGING_OPTIONS) private readonly options: MessagingOptions,
  ) {}

  async once<T>(
    consumer: string,
    meta: MessageMeta,
    work: (manager: EntityManager) => Promise<T>,
  ): Promise<InboxOutcome<T>> {
    return this.dataSource.transaction(async (manager) => {
      const inserted: unknown[] = await manager.query(
        `INSERT INTO "${this.options.schema}".inbox (consumer, message_id) VALUES ($1, $2)
         ON CONFLICT DO NOTHING RETURNING 1`,
        [consumer, meta.messageId],
      );
      if (inserted.length === 0) return { duplicate: true as const };
      return { duplicate: false as const, result: await work(manager) };
    });
  }
}
