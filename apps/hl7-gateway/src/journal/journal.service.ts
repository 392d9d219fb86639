import { StatementBatcher, type WrittenRow } from '@bridge/database';
import { Injectable } from '@nestjs/common';
import {
  DomainError,
  type ListMessagesRequestV1,
  type MessageDetailV1,
  type MessageLogEntryV1,
} from '@bridge/contracts';
import { randomUUID } from 'node:crypto';
import { JournalRepository, type JournalEntryEnd, type NewJournalEntry } from './journal.repository';

/**
 * Concurrent lookups share the journal's statements (StatementBatcher): while one statement of a kind is
 * in flight, the queries opened or closed meanwhile wait and go together as the next one. One is enough:
 * a lookup's journal writes are two of its three statements, and under load each statement's fixed costs
 * (a write and a wake-up on each side, the backend's bind and commit) outweigh its rows.
 */
const JOURNAL_STATEMENTS_IN_FLIGHT = 1;
const JOURNAL_BATCH = 50;

/** An outbound exchange whose row is written and whose end is still to be recorded. */
export interface OpenExchange extends Readonly<WrittenRow> {
  readonly id: string;
  readonly hospitalId: string;
  readonly startedAt: Date;
}

export interface ExchangeEnd {
  status: 'replied' | 'failed';
  error?: string;
  rawIn?: string;
  /** Outcome and counts only: never names, ids or other PHI. */
  summary: Record<string, unknown>;
}

@Injectable()
export class JournalService {
  private readonly opens: StatementBatcher<
    { entry: NewJournalEntry; connectionVersion: string },
    WrittenRow | undefined
  >;
  private readonly closes: StatementBatcher<{ row: OpenExchange; end: JournalEntryEnd }, undefined>;

  constructor(private readonly journal: JournalRepository) {
    this.opens = new StatementBatcher({
      run: (queries) => this.journal.insertOutbound(queries),
      keyOf: ({ entry }) => entry.id,
      maxInFlight: JOURNAL_STATEMENTS_IN_FLIGHT,
      maxBatch: JOURNAL_BATCH,
    });
    this.closes = new StatementBatcher({
      run: async (exchanges) => {
        await this.journal.finish(exchanges);
        return exchanges.map(() => undefined);
      },
      keyOf: ({ row }) => row.id,
      maxInFlight: JOURNAL_STATEMENTS_IN_FLIGHT,
      maxBatch: JOURNAL_BATCH,
    });
  }

  /**
   * Records an outbound query as `sent` before a byte leaves: if the process dies mid-exchange the
   * row stays behind as evidence of what was asked, when and of whom. Only while the hospital's HL7
   * connection is still `connectionVersion`, the one the query was built from: undefined (nothing
   * recorded, nothing to send) once it changed.
   */
  async open(entry: {
    hospitalId: string;
    type: string;
    controlId: string;
    rawOut: string;
    connectionVersion: string;
  }): Promise<OpenExchange | undefined> {
    const exchange = { id: randomUUID(), hospitalId: entry.hospitalId, startedAt: new Date() };
    const written = await this.opens.submit({
      entry: {
        ...exchange,
        channel: 'a19',
        direction: 'outbound',
        type: entry.type,
        controlId: entry.controlId,
        status: 'sent',
        rawOut: entry.rawOut,
      },
      connectionVersion: entry.connectionVersion,
    });
    return written === undefined ? undefined : { ...exchange, ...written };
  }

  async close(exchange: OpenExchange, end: ExchangeEnd): Promise<void> {
    const finishedAt = new Date();
    const row: JournalEntryEnd = {
      ...end,
      finishedAt,
      durationMs: finishedAt.getTime() - exchange.startedAt.getTime(),
    };
    await this.closes.submit({ row: exchange, end: row });
  }

  list(filters: ListMessagesRequestV1): Promise<MessageLogEntryV1[]> {
    return this.journal.list(filters);
  }

  async get(messageId: string): Promise<MessageDetailV1> {
    const message = await this.journal.find(messageId);
    if (!message) throw new DomainError('NOT_FOUND', 'No such message.');
    return message;
  }
}
