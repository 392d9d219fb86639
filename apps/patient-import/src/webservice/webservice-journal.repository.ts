import {
  MessageJournal,
  toMessageLogEntry,
  toMessageView,
  type JournalRow,
  type MessageLogRow,
  type WrittenRow,
} from '@bridge/database';
import { Injectable } from '@nestjs/common';
import type { ListMessagesRequestV1, MessageDetailV1, MessageLogEntryV1 } from '@bridge/contracts';
import { DataSource, type EntityManager } from 'typeorm';
import { IMPORT_JOURNAL } from '../retention/import-journal';

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

interface MessageDetailRow extends Omit<MessageLogRow, 'position_at'> {
  raw_out: string | null;
  raw_in: string | null;
  http_status: number | null;
  summary: Record<string, unknown> | null;
}

/** The web-service exchange journal (`patient_import.messages`, channel `webservice`). */
@Injectable()
export class WebServiceJournalRepository {
  private readonly journal: MessageJournal;

  constructor(dataSource: DataSource) {
    this.journal = new MessageJournal(dataSource, IMPORT_JOURNAL);
  }

  /** Answers where the row went, for `finish` (MessageJournal.append). */
  async insert(row: NewExchangeRow): Promise<WrittenRow> {
    return this.journal.append({
      id: row.id,
      hospital_id: row.hospitalId,
      channel: 'webservice',
      direction: 'outbound',
      type: row.type,
      status: 'sent',
      raw_out: row.rawOut,
    });
  }

  async finish(row: JournalRow, end: ExchangeEndRow): Promise<void> {
    await this.journal.update(row, {
      status: end.status,
      error: end.error,
      raw_in: end.rawIn,
      http_status: end.httpStatus,
      summary: end.summary,
      duration_ms: end.durationMs,
    });
  }

  /**
   * Ties the exchange to the patient its import created or updated (in the confirm's transaction). `writtenBy`:
   * when the import's session was stored, shortly after the exchange's row.
   */
  async linkPatient(
    manager: EntityManager,
    row: { hospitalId: string; id: string; writtenBy: Date },
    patientId: string,
  ): Promise<void> {
    await this.journal.update(row, { patient_id: patientId }, manager);
  }

  /** Newest first; `filters.limit` rows at most. Raw content is never selected here. */
  async list(filters: ListMessagesRequestV1): Promise<MessageLogEntryV1[]> {
    return (await this.journal.list<MessageLogRow>(filters)).map(toMessageLogEntry);
  }

  async find(messageId: string): Promise<MessageDetailV1 | undefined> {
    const row = await this.journal.find<MessageDetailRow>(messageId, 'raw_out, raw_in, http_status, summary');
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
