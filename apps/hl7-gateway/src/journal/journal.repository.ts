import {
  MessageJournal,
  toMessageLogEntry,
  toMessageView,
  type JournalRow,
  type MessageLogRow,
  type WrittenRow,
} from '@bridge/database';
import { Injectable } from '@nestjs/common';
import type {
  ListMessagesRequestV1,
  MessageDetailV1,
  MessageLogEntryV1,
  MessageViewV1,
} from '@bridge/contracts';
import { DataSource, type EntityManager } from 'typeorm';
import { HL7_JOURNAL } from '../retention/hl7-journal';

export interface NewJournalEntry {
  id: string;
  hospitalId: string;
  channel: MessageViewV1['channel'];
  direction: MessageViewV1['direction'];
  type: string;
  controlId?: string;
  status: MessageViewV1['status'];
  rawOut: string;
  startedAt: Date;
}

export interface JournalEntryEnd {
  status: MessageViewV1['status'];
  error?: string;
  rawIn?: string;
  summary: Record<string, unknown>;
  finishedAt: Date;
  durationMs: number;
}

interface MessageDetailRow extends Omit<MessageLogRow, 'position_at'> {
  raw_out: string | null;
  raw_in: string | null;
  summary: Record<string, unknown>;
}

/** The HL7 exchange journal (`hl7_gateway.messages`): outbound queries and inbound real-time SIU messages. */
@Injectable()
export class JournalRepository {
  private readonly journal: MessageJournal;

  constructor(dataSource: DataSource) {
    this.journal = new MessageJournal(dataSource, HL7_JOURNAL);
  }

  /**
   * Outbound queries' rows, each written only while the hospital's HL7 connection is still the version its
   * query was built from (`StoredHl7Connection.version`, the row's xmin): a query built from settings
   * changed meanwhile never leaves. One statement for them all; answers where each row went, for `finish`
   * (MessageJournal.append), or undefined, having written nothing, when its connection changed or is gone.
   */
  async insertOutbound(
    queries: { entry: NewJournalEntry; connectionVersion: string }[],
  ): Promise<(WrittenRow | undefined)[]> {
    return this.journal.appendEachIf(
      queries.map(({ entry, connectionVersion }) => ({
        columns: {
          id: entry.id,
          hospital_id: entry.hospitalId,
          channel: entry.channel,
          direction: entry.direction,
          type: entry.type,
          control_id: entry.controlId,
          status: entry.status,
          raw_out: entry.rawOut,
          started_at: entry.startedAt,
        },
        check: connectionVersion,
      })),
      `EXISTS (SELECT 1 FROM hl7_gateway.hl7_connections c
               WHERE c.hospital_id = r.hospital_id AND c.xmin = (entry->>'check')::xid)`,
    );
  }

  /**
   * An inbound message (real-time SIU), written with the ACK we are about to send, inside the caller's
   * transaction (the same one that hands the message on through the outbox).
   */
  async insertInbound(
    manager: EntityManager,
    entry: Omit<NewJournalEntry, 'rawOut' | 'direction'> & { rawIn: string; ack: string; error?: string },
  ): Promise<void> {
    await this.journal.append(
      {
        id: entry.id,
        hospital_id: entry.hospitalId,
        channel: entry.channel,
        direction: 'inbound',
        type: entry.type,
        control_id: entry.controlId,
        status: entry.status,
        error: entry.error,
        raw_in: entry.rawIn,
        raw_out: entry.ack,
        started_at: entry.startedAt,
        finished_at: entry.startedAt,
      },
      manager,
    );
  }

  /** How exchanges ended, one statement for them all. */
  async finish(exchanges: { row: JournalRow & WrittenRow; end: JournalEntryEnd }[]): Promise<void> {
    await this.journal.updateEach(
      exchanges.map(({ row, end }) => ({
        row,
        columns: {
          status: end.status,
          error: end.error,
          raw_in: end.rawIn,
          summary: end.summary,
          finished_at: end.finishedAt,
          duration_ms: end.durationMs,
        },
      })),
    );
  }

  /** Newest first; `filters.limit` rows at most. Raw content is never selected here. */
  async list(filters: ListMessagesRequestV1): Promise<MessageLogEntryV1[]> {
    return (await this.journal.list<MessageLogRow>(filters)).map(toMessageLogEntry);
  }

  async find(messageId: string): Promise<MessageDetailV1 | undefined> {
    const row = await this.journal.find<MessageDetailRow>(messageId, 'raw_out, raw_in, summary');
    if (!row) return undefined;
    return {
      ...toMessageView(row),
      // Outbound queries: we sent raw_out and got raw_in back. Inbound messages: we got raw_in and acked with raw_out.
      ...(row.direction === 'inbound'
        ? {
            ...(row.raw_in !== null ? { raw: row.raw_in } : {}),
            ...(row.raw_out !== null ? { ack: row.raw_out } : {}),
          }
        : {
            ...(row.raw_out !== null ? { raw: row.raw_out } : {}),
            ...(row.raw_in !== null ? { reply: row.raw_in } : {}),
          }),
      summary: row.summary,
    };
  }
}
