import { Injectable } from '@nestjs/common';
import type { MessageViewV1 } from '@bridge/contracts';
import { createHash, randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';

export interface StoredMessage {
  id: string;
  hospitalId: string;
  runId?: string;
  channel: 'siu-file' | 'siu-mllp';
  sequence: number;
  status: MessageViewV1['status'];
  controlId: string;
  appointmentKey?: string;
  raw: Buffer;
  reprocessed: boolean;
}

/** How a message ended. `processed` carries what it did (PRODUCT.md SiuRun counts). */
export type MessageOutcome = { runId?: string } & (
  | {
      id: string;
      hospitalId: string;
      status: 'processed';
      action: string;
      patientId?: string;
      careFlowId?: string;
      patientCreated?: boolean;
      careFlowStarted?: boolean;
      careFlowUpdated?: boolean;
      careFlowStopped?: boolean;
      /** The rule-27 key digest of a message finished here (never sent to patient-import): claimed with it. */
      duplicateKey?: string;
    }
  | { id: string; hospitalId: string; status: 'duplicate'; action?: string }
  | { id: string; hospitalId: string; status: 'failed'; reason: string; action?: string }
);

/**
 * A message's rule-27 key (MSH-3, MSH-4, MSH-10): as read, which the claims taken here before patient-import
 * took them hold, and its digest, which patient-import and the claims taken here since keep: fixed-size,
 * whatever the lengths of MSH-3, MSH-4 and MSH-10 (a longer key could not be indexed).
 */
export interface DuplicateKey {
  key: string;
  digest: string;
}

export function duplicateKeyOf(key: string): DuplicateKey {
  return { key, digest: createHash('sha256').update(key, 'utf8').digest('base64') };
}

/**
 * SIU messages' processing state (rules 19 and 26-28): loading a batch, real-time messages stored on arrival,
 * rule 27's claims held here, and how messages ended. Every query takes the hospital id. The message log and
 * reprocessing: SiuMessageLogRepository.
 */
@Injectable()
export class SiuMessagesRepository {
  constructor(private readonly dataSource: DataSource) {}

  async load(keys: { hospitalId: string; messageId: string }[]): Promise<StoredMessage[]> {
    // One index probe per key, whatever the statistics say (see MESSAGE_OUTCOME), and the tenant checked
    // after the probe: given the hospital as well, PostgreSQL may walk the hospital's index instead.
    const rows: StoredRow[] = await this.dataSource.query(
      `SELECT ${STORED_COLUMNS} FROM unnest($1::uuid[], $2::uuid[]) AS k (hospital_id, id)
       CROSS JOIN LATERAL (SELECT * FROM siu_ingestor.siu_messages m WHERE m.id = k.id LIMIT 1) m
       ${MESSAGE_OUTCOME}
       WHERE m.hospital_id = k.hospital_id`,
      [keys.map((key) => key.hospitalId), keys.map((key) => key.messageId)],
    );
    return rows.map(toStored);
  }

  /**
   * The messages of these appointments still waiting that come before `beforeSequence` (rule 19 order):
   * a consumer applies them first, so an appointment's messages take effect in file order even when
   * competing consumers receive them in another.
   */
  async waitingBefore(
    hospitalId: string,
    appointmentKeys: string[],
    beforeSequence: number,
  ): Promise<StoredMessage[]> {
    if (appointmentKeys.length === 0) return [];
    const rows: StoredRow[] = await this.dataSource.query(
      `SELECT ${STORED_COLUMNS} FROM (SELECT DISTINCT unnest($2::text[]) AS appointment_key) k
       CROSS JOIN LATERAL (
         SELECT * FROM siu_ingestor.siu_messages m
         WHERE m.hospital_id = $1 AND m.appointment_key = k.appointment_key AND m.seq < $3 OFFSET 0
       ) m
       ${MESSAGE_OUTCOME}
       WHERE o.status IS NULL`,
      [hospitalId, appointmentKeys, beforeSequence],
    );
    return rows.map(toStored);
  }

  /**
   * A message a real-time listener journaled (its bytes in the event): stored once under the listener's id,
   * so redeliveries find it. Answers siu-ingestor's own id for it.
   */
  async storeRealtime(
    hospitalId: string,
    externalId: string,
    message: {
      type: string;
      controlId: string;
      sendingApplication: string;
      sendingFacility: string;
      appointmentKey?: string;
      raw: Buffer;
    },
  ): Promise<string> {
    // The receipt is the claim (a partitioned table cannot hold a unique index without its time): the
    // delivery that takes it stores the message in the same transaction; a redelivery finds the receipt.
    return this.dataSource.transaction(async (manager) => {
      const claimed: { message_id: string }[] = await manager.query(
        `INSERT INTO siu_ingestor.siu_realtime_receipts (hospital_id, external_id, message_id) VALUES ($1, $2, $3)
         ON CONFLICT DO NOTHING RETURNING message_id`,
        [hospitalId, externalId, randomUUID()],
      );
      if (claimed.length === 0) {
        const rows: { message_id: string }[] = await manager.query(
          `SELECT message_id FROM siu_ingestor.siu_realtime_receipts WHERE hospital_id = $1 AND external_id = $2`,
          [hospitalId, externalId],
        );
        return rows[0].message_id;
      }
      await manager.query(
        `INSERT INTO siu_ingestor.siu_messages
           (id, hospital_id, channel, external_id, type, control_id, sending_application, sending_facility, appointment_key, raw)
         VALUES ($1, $2, 'siu-mllp', $3, $4, $5, $6, $7, $8, $9)`,
        [
          claimed[0].message_id,
          hospitalId,
          externalId,
          message.type,
          message.controlId,
          message.sendingApplication,
          message.sendingFacility,
          message.appointmentKey ?? null,
          message.raw,
        ],
      );
      return claimed[0].message_id;
    });
  }

  /**
   * Rule 27's claims held here (patient-import holds those of the messages it applies): the message holding
   * each of these keys, by digest. Claims taken before patient-import took them hold the key itself; those
   * taken since (messages finished here, saveOutcomes) its digest.
   */
  async heldKeys(hospitalId: string, keys: DuplicateKey[]): Promise<Map<string, string>> {
    if (keys.length === 0) return new Map();
    // One index probe per key (as MESSAGE_OUTCOME): with `duplicate_key = ANY(...)` and the statistics of a
    // table still filling, PostgreSQL once scanned every key for each batch (issue 17).
    const rows: { digest: string; message_id: string }[] = await this.dataSource.query(
      `SELECT k.digest, p.message_id FROM unnest($2::text[], $3::text[]) AS k (key, digest)
       CROSS JOIN LATERAL (
         SELECT message_id FROM siu_ingestor.siu_processed_keys p
         WHERE p.hospital_id = $1 AND p.duplicate_key IN (k.key, k.digest) LIMIT 1
       ) p`,
      [hospitalId, keys.map((k) => k.key), keys.map((k) => k.digest)],
    );
    return new Map(rows.map((row) => [row.digest, row.message_id]));
  }

  async statuses(hospitalId: string, messageIds: string[]): Promise<Map<string, StoredMessage['status']>> {
    if (messageIds.length === 0) return new Map();
    // A message without an outcome row is `received`: absent from the answer, as one not found.
    const rows: { message_id: string; status: StoredMessage['status'] }[] = await this.dataSource.query(
      `SELECT message_id, status FROM siu_ingestor.siu_message_outcomes WHERE hospital_id = $1 AND message_id = ANY($2::uuid[])`,
      [hospitalId, messageIds],
    );
    return new Map(rows.map((row) => [row.message_id, row.status]));
  }

  /**
   * Records how messages ended, one narrow outcome row each (never an update of the row holding the bytes),
   * in one transaction, and counts them on their runs in the same statement; a message that already has an
   * outcome keeps it (a redelivered message that another consumer finished is not counted twice). A message
   * finished here claims its rule-27 key with it; a failed message gives up a key claimed here before
   * patient-import took the claims: it was not processed, so the hospital may send it again.
   */
  async saveOutcomes(outcomes: MessageOutcome[]): Promise<void> {
    if (outcomes.length === 0) return;
    const column = <T>(pick: (outcome: MessageOutcome) => T | undefined) =>
      outcomes.map((outcome) => pick(outcome) ?? null);
    const processed = (outcome: MessageOutcome) => (outcome.status === 'processed' ? outcome : undefined);
    await this.dataSource.transaction(async (manager) => {
      await manager.query(
        `WITH changed AS (
           INSERT INTO siu_ingestor.siu_message_outcomes (hospital_id, message_id, run_id, status, reason, action,
             patient_id, care_flow_id, patient_created, care_flow_started, care_flow_updated, care_flow_stopped)
           SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::text[], $5::text[], $6::text[], $7::uuid[],
                                $8::uuid[], $9::bool[], $10::bool[], $11::bool[], $12::bool[])
           ORDER BY 1, 2
           ON CONFLICT DO NOTHING
           RETURNING run_id, status, patient_created, care_flow_started, care_flow_updated, care_flow_stopped
         ), tally AS (
           SELECT run_id,
             count(*) FILTER (WHERE status IN ('processed', 'duplicate')) AS processed,
             count(*) FILTER (WHERE status = 'failed') AS failed,
             count(*) FILTER (WHERE status = 'duplicate') AS duplicate,
             count(*) FILTER (WHERE patient_created) AS patients_created,
             count(*) FILTER (WHERE care_flow_started) AS started,
             count(*) FILTER (WHERE care_flow_updated) AS updated,
             count(*) FILTER (WHERE care_flow_stopped) AS stopped
           FROM changed WHERE run_id IS NOT NULL GROUP BY run_id
         )
         UPDATE siu_ingestor.siu_runs r SET processed = r.processed + t.processed, failed = r.failed + t.failed,
           duplicate = r.duplicate + t.duplicate, patients_created = r.patients_created + t.patients_created,
           care_flows_started = r.care_flows_started + t.started, care_flows_updated = r.care_flows_updated + t.updated,
           care_flows_stopped = r.care_flows_stopped + t.stopped
         FROM tally t WHERE r.id = t.run_id`,
        [
          column((o) => o.hospitalId),
          column((o) => o.id),
          column((o) => o.runId),
          column((o) => o.status),
          column((o) => (o.status === 'failed' ? o.reason : undefined)),
          column((o) => o.action),
          column((o) => processed(o)?.patientId),
          column((o) => processed(o)?.careFlowId),
          outcomes.map((o) => processed(o)?.patientCreated ?? false),
          outcomes.map((o) => processed(o)?.careFlowStarted ?? false),
          outcomes.map((o) => processed(o)?.careFlowUpdated ?? false),
          outcomes.map((o) => processed(o)?.careFlowStopped ?? false),
        ],
      );
      const claims = outcomes.flatMap((o) =>
        o.status === 'processed' && o.duplicateKey !== undefined
          ? [{ hospitalId: o.hospitalId, key: o.duplicateKey, messageId: o.id }]
          : [],
      );
      if (claims.length > 0) {
        await manager.query(
          `INSERT INTO siu_ingestor.siu_processed_keys (hospital_id, duplicate_key, message_id)
           SELECT c.hospital_id, c.key, c.message_id
           FROM unnest($1::uuid[], $2::text[], $3::uuid[]) WITH ORDINALITY AS c (hospital_id, key, message_id, n)
           ORDER BY c.n
           ON CONFLICT DO NOTHING`,
          [claims.map((c) => c.hospitalId), claims.map((c) => c.key), claims.map((c) => c.messageId)],
        );
      }
      const failed = outcomes.filter((o) => o.status === 'failed');
      if (failed.length > 0) {
        await manager.query(
          `DELETE FROM siu_ingestor.siu_processed_keys k USING unnest($1::uuid[], $2::uuid[]) AS f (hospital_id, id)
           WHERE k.hospital_id = f.hospital_id AND k.message_id = f.id`,
          [failed.map((o) => o.hospitalId), failed.map((o) => o.id)],
        );
      }
    });
  }
}

/**
 * A message's outcome, if it has one (none: `received`), probed per message. The consumers' reads run while
 * a file's messages are pouring into a day's partition whose statistics still say it is empty (autoanalyze
 * comes a minute later): a plain join then got a plan that read every message and outcome of the hospital
 * per batch, 50 ms a batch at 10,000 messages and growing with the file (issue 17). A lateral subquery with
 * LIMIT or OFFSET is never flattened into a join, so each row is an index probe whatever the planner believes.
 */
const MESSAGE_OUTCOME = `LEFT JOIN LATERAL (
  SELECT o.status FROM siu_ingestor.siu_message_outcomes o
  WHERE o.hospital_id = m.hospital_id AND o.message_id = m.id LIMIT 1
) o ON true`;

interface StoredRow {
  id: string;
  hospital_id: string;
  run_id: string | null;
  channel: StoredMessage['channel'];
  seq: string;
  status: StoredMessage['status'];
  control_id: string;
  appointment_key: string | null;
  raw: Buffer;
  reprocessed_at: Date | null;
}

const STORED_COLUMNS =
  "m.id, m.hospital_id, m.run_id, m.channel, m.seq, COALESCE(o.status, 'received') AS status, m.control_id, m.appointment_key, m.raw, m.reprocessed_at";

function toStored(row: StoredRow): StoredMessage {
  return {
    id: row.id,
    hospitalId: row.hospital_id,
    ...(row.run_id ? { runId: row.run_id } : {}),
    channel: row.channel,
    sequence: Number(row.seq),
    status: row.status,
    controlId: row.control_id,
    ...(row.appointment_key ? { appointmentKey: row.appointment_key } : {}),
    raw: row.raw,
    reprocessed: row.reprocessed_at !== null,
  };
}
