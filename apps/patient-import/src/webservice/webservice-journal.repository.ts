import {
  MESSAGE_LOG_POSITION_COLUMN,
  messageLogConditions,
  toMessageLogEntry,
  toMessageView,
  type MessageLogRow,
} from '@bridge/database';
import { Injectable } from '@nestjs/common';
import type { ListMessagesRequestV1, MessageDetailV1, MessageLogEntryV1 } from '@bridge/contracts';
import { DataSource, type EntityManager } from 'typeorm';

export interface NewExchangeRow {
  id: string;
  hospitalId: string;
  type: string;
  rawOut: string;
}

export interface ExchangeEndRow {
  status: 'replied' | 'failed';
  error?: string;
  rawIn?: string;
  httpStatus?: number;
  summary: Record<string, unknown>;
  durationMs: number;
}

type MessageRow = MessageLogRow;

interface MessageDetailRow extends Omit<MessageRow, 'position_at'> {
  raw_out: string | null;
  raw_in: string | null;
  http_status: number | null;
  summary: Record<string, unknown> | null;
}

const LIST_COLUMNS =
  'id, hospital_id, channel, direction, type, status, error, duration_ms, patient_id, created_at';

/**
 * The web-service exchange journal (`patient_import.messages`, channel `webservice`). Writes take the
 * hospital id; reads serve the platform admin's message log, which spans hospitals, so there the hospital
 * id is an optional filter (the gateway lets only `admin` tokens in).
 */
@Injectable()
export class WebServiceJournalRepository {
  constructor(private readonly dataSource: DataSource) {}

  async insert(row: NewExchangeRow): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO patient_import.messages (id, hospital_id, channel, direction, type, status, raw_out)
       VALUES ($1, $2, 'webservice', 'outbound', $3, 'sent', $4)`,
      [row.id, row.hospitalId, row.type, row.rawOut],
    );
  }

  async finish(hospitalId: string, id: string, end: ExchangeEndRow): Promise<void> {
    await this.dataSource.query(
      `UPDATE patient_import.messages
         SET status = $3, error = $4, raw_in = $5, http_status = $6, summary = $7::jsonb, duration_ms = $8,
             updated_at = now()
       WHERE hospital_id = $1 AND id = $2`,
      [
        hospitalId,
        id,
        end.status,
        end.error ?? null,
        end.rawIn ?? null,
        end.httpStatus ?? null,
        JSON.stringify(end.summary),
        end.durationMs,
      ],
    );
  }

  /** Ties the exchange to the patient its import created or updated (in the confirm's transaction). */
  async linkPatient(
    manager: EntityManager,
    hospitalId: string,
    id: string,
    patientId: string,
  ): Promise<void> {
    await manager.query(
      `UPDATE patient_import.messages SET patient_id = $3, updated_at = now() WHERE hospital_id = $1 AND id = $2`,
      [hospitalId, id, patientId],
    );
  }

  /** Newest first; `limit` rows at most. Raw content is never selected here. */
  async list(filters: ListMessagesRequestV1, limit: number): Promise<MessageLogEntryV1[]> {
    const conditions = messageLogConditions(filters);
    const limitParameter = conditions.parameter(limit);
    const rows: MessageRow[] = await this.dataSource.query(
      `SELECT ${LIST_COLUMNS}, ${MESSAGE_LOG_POSITION_COLUMN} FROM patient_import.messages ${conditions.where()}
       ORDER BY created_at DESC, id DESC LIMIT ${limitParameter}`,
      conditions.parameters,
    );
    return rows.map(toMessageLogEntry);
  }

  async find(messageId: string): Promise<MessageDetailV1 | undefined> {
    const rows: MessageDetailRow[] = await this.dataSource.query(
      `SELECT ${LIST_COLUMNS}, raw_out, raw_in, http_status, summary FROM patient_import.messages WHERE id = $1`,
      [messageId],
    );
    const row = rows[0];
    if (!row) return undefined;
    return {
      ...toMessageView(row),
      // Both bodies are emptied once the hospital's body retention passed.
      ...(row.raw_out !== null ? { raw: row.raw_out } : {}),
      ...(row.raw_in !== null ? { reply: row.raw_in } : {}),
      summary: {
        ...(row.summary ?? {}),
        ...(row.http_status !== null ? { httpStatus: row.http_status } : {}),
      },
    };
  }
}
