import {
  MESSAGE_LOG_POSITION_COLUMN,
  messageLogConditions,
  toMessageLogEntry,
  toMessageView,
  type MessageLogRow,
} from '@bridge/database';
import { Injectable } from '@nestjs/common';
import type {
  ListMessagesRequestV1,
  MessageDetailV1,
  MessageLogEntryV1,
  MessageViewV1,
} from '@bridge/contracts';
import { DataSource, type EntityManager } from 'typeorm';

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

type MessageRow = MessageLogRow;

interface MessageDetailRow extends Omit<MessageRow, 'position_at'> {
  raw_out: string | null;
  raw_in: string | null;
  summary: Record<string, unknown>;
}

const LIST_COLUMNS =
  'id, hospital_id, channel, direction, type, control_id, status, error, duration_ms, created_at';

/**
 * The HL7 exchange journal. Writes take the hospital id; reads serve the platform admin's message
 * log, which spans hospitals, so there the hospital id is an optional filter (the gateway only lets
 * `admin` tokens in).
 */
@Injectable()
export class JournalRepository {
  constructor(private readonly dataSource: DataSource) {}

  async insert(entry: NewJournalEntry): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO hl7_gateway.messages
         (id, hospital_id, channel, direction, type, control_id, status, raw_out, started_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      [
        entry.id,
        entry.hospitalId,
        entry.channel,
        entry.direction,
        entry.type,
        entry.controlId ?? null,
        entry.status,
        entry.rawOut,
        entry.startedAt,
      ],
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
    await manager.query(
      `INSERT INTO hl7_gateway.messages
         (id, hospital_id, channel, direction, type, control_id, status, error, raw_in, raw_out, started_at, finished_at)
       VALUES ($1, $2, $3, 'inbound', $4, $5, $6, $7, $8, $9, $10, $10)`,
      [
        entry.id,
        entry.hospitalId,
        entry.channel,
        entry.type,
        entry.controlId ?? null,
        entry.status,
        entry.error ?? null,
        entry.rawIn,
        entry.ack,
        entry.startedAt,
      ],
    );
  }

  async finish(hospitalId: string, id: string, end: JournalEntryEnd): Promise<void> {
    await this.dataSource.query(
      `UPDATE hl7_gateway.messages
         SET status = $3, error = $4, raw_in = $5, summary = $6::jsonb, finished_at = $7, duration_ms = $8
       WHERE hospital_id = $1 AND id = $2`,
      [
        hospitalId,
        id,
        end.status,
        end.error ?? null,
        end.rawIn ?? null,
        JSON.stringify(end.summary),
        end.finishedAt,
        end.durationMs,
      ],
    );
  }

  /** Newest first; `limit` rows at most. Raw content is never selected here. */
  async list(filters: ListMessagesRequestV1, limit: number): Promise<MessageLogEntryV1[]> {
    const conditions = messageLogConditions(filters);
    const limitParameter = conditions.parameter(limit);
    const rows: MessageRow[] = await this.dataSource.query(
      `SELECT ${LIST_COLUMNS}, ${MESSAGE_LOG_POSITION_COLUMN} FROM hl7_gateway.messages ${conditions.where()}
       ORDER BY created_at DESC, id DESC LIMIT ${limitParameter}`,
      conditions.parameters,
    );
    return rows.map(toMessageLogEntry);
  }

  async find(messageId: string): Promise<MessageDetailV1 | undefined> {
    const rows: MessageDetailRow[] = await this.dataSource.query(
      `SELECT ${LIST_COLUMNS}, raw_out, raw_in, summary FROM hl7_gateway.messages WHERE id = $1`,
      [messageId],
    );
    const row = rows[0];
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
