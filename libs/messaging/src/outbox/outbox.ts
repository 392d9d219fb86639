import { Inject, Injectable } from '@nestjs/common';
import type { EventName, EventPayload } from '@bridge/contracts';
import { currentCorrelationId } from '@bridge/logging';
import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { MESSAGING_OPTIONS, type MessagingOptions } from '../messaging.options';

/**
 * Events leave a service only through this table: the row is written in the same transaction as the
 * change it announces, and the relay publishes it after commit. No commit, no event; no event lost.
 */
@Injectable()
export class Outbox {
  constructor(@Inject(MESSAGING_OPTIONS) private readonly options: MessagingOptions) {}

  async add<E extends EventName>(manager: EntityManager, event: E, payload: EventPayload<E>): Promise<string> {
    const id = randomUUID();
    await manager.query(
      `INSERT INTO "${this.options.schema}".outbox (id, event, payload, correlation_id) VALUES ($1, $2, $3, $4)`,
      [id, event, JSON.stringify(payload), currentCorrelationId() ?? id],
    );
    return id;
  }
}
