import { Inject, Injectable } from '@nestjs/common';
import type { EventName, EventPayload } from '@bridge/contracts';
import { currentCorrelationId } from '@bridge/logging';
import { traceparentOf } from '@bridge/observability';
import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { MESSAGING_OPTIONS, type MessagingOptions } from '../messaging.options';

/**
 * One event of a grouped outbox row (`withEvent`'s `grouped`): such a row's payload is a JSON array of these,
 * and its `events` column their count; an ordinary row's payload is the event's payload itself, always an
 * object (outbox-grouped-events.migration.ts).
 */
export interface GroupedEvent {
  id: string;
  payload: unknown;
}

/** What an outbox row keeps of the request that wrote it: its correlation id and trace. */
export interface EventContext {
  correlationId: string;
  traceparent: string | null;
}

/**
 * The current request's `EventContext`, for work that writes its event later, in a statement shared with
 * other requests (`withEvent`'s `context`). Without a correlation id in scope, a fresh one.
 */
export function eventContext(): EventContext {
  return { correlationId: currentCorrelationId() ?? randomUUID(), traceparent: traceparentOf() ?? null };
}

/**
 * Rows are stamped with clock_timestamp(), not now(): now() is one value for a whole transaction, and a
 * backlog of equal timestamps makes the relay's ordered batches sort the whole table each time.
 *
 * Events leave a service only through this table: the row is written in the same transaction as the
 * change it announces, and the relay publishes it after commit. No commit, no event; no event lost.
 * The row keeps the traceparent of the work that wrote it, so the relay's publish continues that trace.
 */
@Injectable()
export class Outbox {
  private readonly writeListeners = new Set<() => void>();

  constructor(@Inject(MESSAGING_OPTIONS) private readonly options: MessagingOptions) {}

  /**
   * Calls `listener` whenever a statement is about to write outbox rows in this process: the relay's cue to
   * poll at its fast pace (OutboxRelay). Answers how to stop.
   */
  onWrite(listener: () => void): () => void {
    this.writeListeners.add(listener);
    return () => this.writeListeners.delete(listener);
  }

  /** A statement is about to write outbox rows: `add` and `withEvent` say so, and statements that write their own. */
  writing(): void {
    for (const listener of this.writeListeners) listener();
  }

  async add<E extends EventName>(
    manager: EntityManager,
    event: E,
    payload: EventPayload<E>,
  ): Promise<string> {
    const id = randomUUID();
    this.writing();
    await manager.query(
      `INSERT INTO "${this.options.schema}".outbox (id, event, payload, correlation_id, traceparent, created_at)
       VALUES ($1, $2, $3, $4, $5, clock_timestamp())`,
      [id, event, JSON.stringify(payload), currentCorrelationId() ?? id, traceparentOf() ?? null],
    );
    return id;
  }

  /**
   * Extends one data-modifying statement (INSERT/UPDATE ... RETURNING) so that the same statement also
   * writes the outbox row, with a payload built in SQL from the returned row (`payloadSql`, e.g.
   * `json_build_object('patientId', id)`). One round trip, atomic without an explicit transaction: for hot
   * paths whose whole change is that one statement. The rows returned are the statement's own.
   * `alongside`: one more data-modifying statement on `changed` (e.g. a journal row per changed row), in the
   * same round trip; PostgreSQL allows such statements only at the top level, hence here and not nested.
   * `from`: what the payload is built from, `changed` unless given (e.g. `changed, alongside` when the
   * payload also carries what `alongside` returned, for a one-row statement).
   * `grouped`: the events of all the statement's rows in one outbox row (see `GroupedEvent`), for set-based
   * statements of a batch (an SIU batch changes a hundred care flows): one row write per statement instead
   * of one per event. The relay publishes each event on its own, as if it had had its own row.
   * `before`: CTEs the statement reads (`name AS (SELECT ...)`), placed ahead of `changed` so that
   * `alongside` and `from` can read them too (a multi-row statement's input rows).
   * `context`: SQL expressions on `from` for each outbox row's correlation id and traceparent, when the rows
   * announce the work of several requests (`EventContext`s captured as each was made); otherwise every row
   * takes the current request's.
   */
  withEvent<E extends EventName>(
    statement: { sql: string; parameters: unknown[] },
    event: E,
    payloadSql: string,
    options: {
      alongside?: string;
      from?: string;
      grouped?: boolean;
      before?: string;
      context?: { correlationId: string; traceparent: string };
    } = {},
  ): { sql: string; parameters: unknown[] } {
    this.writing();
    const eventParameter = statement.parameters.length + 1;
    // A grouped row's events get their ids here, stored with them: a batch published again after a crash
    // carries the same message ids, which is what makes consumers' Inbox skip it.
    const [payload, events] = options.grouped
      ? [`jsonb_agg(jsonb_build_object('id', gen_random_uuid(), 'payload', ${payloadSql}))`, 'count(*)']
      : [payloadSql, '1'];
    const context = options.context ?? {
      correlationId: `$${eventParameter + 1}`,
      traceparent: `$${eventParameter + 2}::text`,
    };
    const parameters = [...statement.parameters, event];
    if (!options.context) {
      const current = eventContext();
      parameters.push(current.correlationId, current.traceparent);
    }
    return {
      sql: `WITH ${options.before ? `${options.before},\n        ` : ''}changed AS (${statement.sql}),${options.alongside ? `\n        alongside AS (${options.alongside}),` : ''}
        announced AS (
          INSERT INTO "${this.options.schema}".outbox (id, event, payload, events, correlation_id, traceparent, created_at)
          SELECT gen_random_uuid(), $${eventParameter}, ${payload}, ${events}, ${context.correlationId}, ${context.traceparent},
            clock_timestamp() FROM ${options.from ?? 'changed'}${options.grouped ? ' HAVING count(*) > 0' : ''}
        )
        SELECT * FROM changed`,
      parameters,
    };
  }
}
