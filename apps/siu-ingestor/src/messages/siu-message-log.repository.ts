import { Injectable } from '@nestjs/common';
import type {
  ListMessagesRequestV1,
  MessageDetailV1,
  MessageLogEntryV1,
  MessageViewV1,
} from '@bridge/contracts';
import { MessageJournal, toMessageView } from '@bridge/database';
import { Outbox } from '@bridge/messaging';
import { DataSource, type EntityManager } from 'typeorm';
import { SIU_MESSAGE_LOG } from '../retention/siu-journal';

interface MessageRow {
  id: string;
  hospital_id: string;
  channel: 'siu-file' | 'siu-mllp';
  type: string;
  control_id: string;
  status: MessageViewV1['status'];
  reason: string | null;
  patient_id: string | null;
  care_flow_id: string | null;
  created_at: Date;
}

/**
 * The SIU part of the message log, and reprocessing a failed message. The log spans hospitals for the platform
 * admin (the gateway lets only `admin` in), so the hospital is an optional filter, as in the other journals;
 * writes take the hospital id. Processing state: SiuMessagesRepository.
 */
@Injectable()
export class SiuMessageLogRepository {
  private readonly journal: MessageJournal;

  constructor(
    private readonly dataSource: DataSource,
    private readonly outbox: Outbox,
  ) {
    this.journal = new MessageJournal(dataSource, SIU_MESSAGE_LOG);
  }

  /** Newest first; `filters.limit` rows at most. Raw content is never selected here. */
  async list(filters: ListMessagesRequestV1): Promise<MessageLogEntryV1[]> {
    const rows = await this.journal.list<MessageRow & { position_at: string }>(filters);
    return rows.map((row) => ({ ...toView(row), position: { at: row.position_at, id: row.id } }));
  }

  async find(messageId: string): Promise<(MessageDetailV1 & { rawBytes: Buffer | null }) | undefined> {
    const rows: (MessageRow & {
      raw: Buffer | null;
      position: number | null;
      run_id: string | null;
      file_name: string | null;
      sending_application: string;
      sending_facility: string;
      action: string | null;
      patient_created: boolean;
      care_flow_started: boolean;
      care_flow_updated: boolean;
      care_flow_stopped: boolean;
    })[] = await this.dataSource.query(
      `SELECT m.id, m.hospital_id, m.channel, m.type, m.control_id, m.status, m.reason, m.patient_id, m.care_flow_id,
         m.created_at, m.raw, m.position, m.run_id, f.name AS file_name, m.sending_application, m.sending_facility,
         m.action, m.patient_created, m.care_flow_started, m.care_flow_updated, m.care_flow_stopped
       FROM siu_ingestor.siu_message_log m LEFT JOIN siu_ingestor.siu_files f ON f.id = m.file_id
       WHERE m.id = $1`,
      [messageId],
    );
    const row = rows[0];
    if (!row) return undefined;
    return {
      ...toView(row),
      rawBytes: row.raw,
      summary: {
        ...(row.file_name !== null ? { file: row.file_name, position: row.position } : {}),
        ...(row.run_id !== null ? { runId: row.run_id } : {}),
        sendingApplication: row.sending_application,
        sendingFacility: row.sending_facility,
        ...(row.action !== null ? { action: row.action } : {}),
        ...(row.status === 'processed'
          ? {
              patientCreated: row.patient_created,
              careFlowStarted: row.care_flow_started,
              careFlowUpdated: row.care_flow_updated,
              careFlowStopped: row.care_flow_stopped,
            }
          : {}),
      },
    };
  }

  /**
   * A failed message goes back to `received` and is published again, in one transaction: processed anew
   * with the hospital's current settings. Answers undefined when the message is not failed (any more).
   */
  async reprocess(hospitalId: string, messageId: string): Promise<MessageViewV1 | undefined> {
    return this.dataSource.transaction((manager) => this.reprocessIn(manager, hospitalId, messageId));
  }

  /**
   * The same, in the caller's transaction (a bulk reprocess job records the item with it). With
   * `notReprocessedSince`, a message already reprocessed after that instant is left alone: two overlapping
   * jobs replay each message once.
   */
  async reprocessIn(
    manager: EntityManager,
    hospitalId: string,
    messageId: string,
    notReprocessedSince?: Date,
  ): Promise<MessageViewV1 | undefined> {
    // Back to `received` is the failed outcome row gone; the message row only notes when.
    const result: unknown = await manager.query(
      `WITH reopened AS (
         DELETE FROM siu_ingestor.siu_message_outcomes o USING siu_ingestor.siu_messages m
         WHERE o.hospital_id = $1 AND o.message_id = $2 AND o.status = 'failed'
           AND m.hospital_id = o.hospital_id AND m.id = o.message_id AND m.raw IS NOT NULL
           AND ($3::timestamptz IS NULL OR m.reprocessed_at IS NULL OR m.reprocessed_at < $3::timestamptz)
         RETURNING o.message_id
       )
       UPDATE siu_ingestor.siu_messages m SET reprocessed_at = now() FROM reopened
       WHERE m.hospital_id = $1 AND m.id = reopened.message_id
       RETURNING ${RECEIVED_LOG_COLUMNS}, m.run_id`,
      [hospitalId, messageId, notReprocessedSince ?? null],
    );
    const [rows] = result as [(MessageRow & { run_id: string | null })[], number];
    if (rows.length === 0) return undefined;
    // Failed no more: the run counts it again once it ends, whichever way.
    await manager.query(
      `UPDATE siu_ingestor.siu_runs SET failed = failed - 1 WHERE hospital_id = $1 AND id = $2`,
      [hospitalId, rows[0].run_id],
    );
    await this.outbox.add(manager, 'siu.message.received.v1', {
      hospitalId,
      messageId,
      channel: rows[0].channel,
    });
    return toView(rows[0]);
  }
}

/** The log's columns of a message that has just become `received` again (its outcome gone). */
const RECEIVED_LOG_COLUMNS = `m.id, m.hospital_id, m.channel, m.type, m.control_id, 'received' AS status, NULL AS reason,
  NULL::uuid AS patient_id, NULL::uuid AS care_flow_id, m.created_at`;

function toView(row: MessageRow): MessageViewV1 {
  return {
    ...toMessageView({
      ...row,
      direction: 'inbound',
      type: row.type || 'SIU',
      error: row.reason,
      duration_ms: null,
    }),
    ...(row.care_flow_id !== null ? { careFlowId: row.care_flow_id } : {}),
  };
}
