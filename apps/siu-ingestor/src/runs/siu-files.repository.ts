import { Injectable } from '@nestjs/common';
import { SIU_SLICE_MESSAGES } from '@bridge/contracts';
import { currentCorrelationId } from '@bridge/logging';
import { Outbox } from '@bridge/messaging';
import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { DataSource } from 'typeorm';

/** One message cut from a file, with what its MSH says (for the log and rule 27). */
export interface SplitMessage {
  id: string;
  position: number;
  type: string;
  controlId: string;
  sendingApplication: string;
  sendingFacility: string;
  appointmentKey?: string;
  raw: Buffer;
}

export interface LeftAtSource {
  id: string;
  sha256: string;
  size: number;
}

/** The run stopped fetching under the file being stored (declared interrupted): the file is not taken. */
export class RunInterruptedError extends Error {
  override readonly name = 'RunInterruptedError';

  constructor() {
    super(
      'interrupted: the run was declared interrupted while this file was being stored (no heartbeat within ' +
        'SIU_RUN_STALE_MS); the file stays at the source',
    );
  }
}

/** Files and the messages split from them; every query takes the hospital id. */
@Injectable()
export class SiuFilesRepository {
  constructor(
    private readonly dataSource: DataSource,
    private readonly outbox: Outbox,
  ) {}

  async insertFile(
    manager: EntityManager,
    file: { id: string; hospitalId: string; runId: string; name: string; size: number },
  ): Promise<void> {
    await manager.query(
      `INSERT INTO siu_ingestor.siu_files (id, hospital_id, run_id, name, size, sha256, messages, status)
       VALUES ($1, $2, $3, $4, $5, '', 0, 'storing')`,
      [file.id, file.hospitalId, file.runId, file.name, file.size],
    );
  }

  /**
   * Stores a slice of a file's messages and, in the same statement, their `siu.slice.stored.v1` outbox rows,
   * one per SIU_SLICE_MESSAGES messages in file order: the outbox rows are the hand-off to the consumers.
   * `seq` follows `position`. Written here rather than with Outbox.withEvent, which announces one event per
   * changed row: an event here gathers many rows (ids only, no PHI).
   */
  async insertMessages(
    manager: EntityManager,
    target: { hospitalId: string; runId: string; fileId: string },
    messages: SplitMessage[],
  ): Promise<void> {
    if (messages.length === 0) return;
    this.outbox.writing();
    await manager.query(
      `WITH stored AS (
         INSERT INTO siu_ingestor.siu_messages
           (id, hospital_id, channel, run_id, file_id, position, type, control_id, sending_application, sending_facility,
            appointment_key, raw)
         SELECT m.id, $1, 'siu-file', $2, $3, m.position, m.type, m.control_id, m.app, m.facility, m.appointment_key, m.raw
         FROM unnest($4::uuid[], $5::int[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[], $11::bytea[])
           WITH ORDINALITY AS m (id, position, type, control_id, app, facility, appointment_key, raw, n)
         ORDER BY m.n
         RETURNING id, hospital_id, seq
       )
       INSERT INTO siu_ingestor.outbox (id, event, payload, correlation_id, created_at)
       SELECT gen_random_uuid(), 'siu.slice.stored.v1',
         json_build_object('hospitalId', $1::uuid, 'messageIds', json_agg(id ORDER BY seq)), $12, clock_timestamp()
       FROM (SELECT id, seq, (row_number() OVER (ORDER BY seq) - 1) / $13 AS slice FROM stored) AS numbered
       GROUP BY slice ORDER BY slice`,
      [
        target.hospitalId,
        target.runId,
        target.fileId,
        messages.map((message) => message.id),
        messages.map((message) => message.position),
        messages.map((message) => message.type),
        messages.map((message) => message.controlId),
        messages.map((message) => message.sendingApplication),
        messages.map((message) => message.sendingFacility),
        messages.map((message) => message.appointmentKey ?? null),
        messages.map((message) => message.raw),
        currentCorrelationId() ?? randomUUID(),
        SIU_SLICE_MESSAGES,
      ],
    );
  }

  /**
   * The file is whole: its messages counted on the run and its row completed, in the file's transaction.
   * Only while the run is still fetching: once another instance declared it interrupted (the supervisor,
   * SIU_RUN_STALE_MS) the file must stay at the source for the next run, so this throws RunInterruptedError
   * and the transaction rolls back. The run row stays locked until the commit, so the supervisor cannot
   * declare the run interrupted in between: it waits and then sees the heartbeat written here.
   */
  async completeFile(
    manager: EntityManager,
    target: { hospitalId: string; runId: string; fileId: string },
    done: { sha256: string; size: number; messages: number },
  ): Promise<void> {
    const counted: unknown = await manager.query(
      `UPDATE siu_ingestor.siu_runs SET received = received + $3, heartbeat_at = clock_timestamp()
       WHERE hospital_id = $1 AND id = $2 AND status = 'running' AND phase = 'fetching' RETURNING id`,
      [target.hospitalId, target.runId, done.messages],
    );
    const [rows] = counted as [unknown[], number];
    if (rows.length === 0) throw new RunInterruptedError();
    await manager.query(
      `UPDATE siu_ingestor.siu_files SET sha256 = $3, size = $4, messages = $5, status = 'stored', updated_at = now()
       WHERE hospital_id = $1 AND id = $2`,
      [target.hospitalId, target.fileId, done.sha256, done.size, done.messages],
    );
  }

  /** A file that holds no HL7: kept as name, size and hash (its row, no messages), never its content. */
  async rejectFile(
    manager: EntityManager,
    target: { hospitalId: string; runId: string; fileId: string },
    done: { sha256: string; size: number },
  ): Promise<void> {
    await manager.query(
      `UPDATE siu_ingestor.siu_files SET sha256 = $3, size = $4, messages = 0, status = 'rejected', updated_at = now()
       WHERE hospital_id = $1 AND id = $2`,
      [target.hospitalId, target.fileId, done.sha256, done.size],
    );
  }

  /** A file whose messages are stored but which is still at the source (its archive or delete failed). */
  async leftAtSource(hospitalId: string, name: string): Promise<LeftAtSource[]> {
    const rows: { id: string; sha256: string; size: string }[] = await this.dataSource.query(
      `SELECT id, sha256, size FROM siu_ingestor.siu_files WHERE hospital_id = $1 AND name = $2 AND status = 'stored'
       ORDER BY created_at`,
      [hospitalId, name],
    );
    return rows.map((row) => ({ id: row.id, sha256: row.sha256, size: Number(row.size) }));
  }

  async markGone(
    hospitalId: string,
    fileId: string,
    gone: { status: 'archived' | 'deleted'; archivedAs?: string },
  ): Promise<void> {
    await this.dataSource.query(
      `UPDATE siu_ingestor.siu_files SET status = $3, archived_as = $4, updated_at = now() WHERE hospital_id = $1 AND id = $2`,
      [hospitalId, fileId, gone.status, gone.archivedAs ?? null],
    );
  }
}
