import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * How an SIU message ended moves out of the row that holds its bytes (issue 17, P2): recording an outcome
 * was an UPDATE of that wide row (a new version of the whole tuple, raw bytes included, in every index);
 * now it is one INSERT of a narrow row in `siu_message_outcomes`. A message without an outcome row is
 * `received`; reprocessing a failed message deletes its outcome row. The row carries the run, so a run's
 * failures are read without the messages' partitions. Outcome rows are pruned with their messages
 * (a companion table of the SIU journal: retention deletes them at the day their message's partition goes).
 *
 * Existing outcomes are copied, then the columns they lived in are dropped from `siu_messages` (with the
 * partial indexes on `status`); `siu_message_log` joins the two for the message log and bulk reprocess.
 */
export class MessageOutcomes1796250000000 implements MigrationInterface {
  readonly name = 'MessageOutcomes1796250000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE siu_ingestor.siu_message_outcomes (
        hospital_id uuid NOT NULL,
        message_id uuid NOT NULL,
        run_id uuid,
        status text NOT NULL CHECK (status IN ('processed', 'duplicate', 'failed')),
        reason text,
        action text,
        patient_id uuid,
        care_flow_id uuid,
        patient_created boolean NOT NULL DEFAULT false,
        care_flow_started boolean NOT NULL DEFAULT false,
        care_flow_updated boolean NOT NULL DEFAULT false,
        care_flow_stopped boolean NOT NULL DEFAULT false,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (hospital_id, message_id)
      )`);
    await runner.query(
      `CREATE INDEX siu_message_outcomes_run_failed ON siu_ingestor.siu_message_outcomes (run_id) WHERE status = 'failed'`,
    );
    await runner.query(
      `CREATE INDEX siu_message_outcomes_created ON siu_ingestor.siu_message_outcomes (created_at)`,
    );
    await runner.query(`
      INSERT INTO siu_ingestor.siu_message_outcomes (hospital_id, message_id, run_id, status, reason, action, patient_id,
        care_flow_id, patient_created, care_flow_started, care_flow_updated, care_flow_stopped, created_at)
      SELECT hospital_id, id, run_id, status, reason, action, patient_id, care_flow_id, patient_created,
        care_flow_started, care_flow_updated, care_flow_stopped, updated_at
      FROM siu_ingestor.siu_messages WHERE status <> 'received'`);
    // Dropping `status` drops the partial indexes whose predicate names it (waiting, run_failed).
    await runner.query(`
      ALTER TABLE siu_ingestor.siu_messages
        DROP COLUMN status, DROP COLUMN reason, DROP COLUMN action, DROP COLUMN patient_id, DROP COLUMN care_flow_id,
        DROP COLUMN patient_created, DROP COLUMN care_flow_started, DROP COLUMN care_flow_updated,
        DROP COLUMN care_flow_stopped, DROP COLUMN updated_at`);
    // Rule 19: a consumer finds the earlier messages of an appointment (those without an outcome) by this.
    await runner.query(
      `CREATE INDEX siu_messages_appointment ON siu_ingestor.siu_messages (hospital_id, appointment_key, seq)
       WHERE appointment_key IS NOT NULL`,
    );
    await runner.query(`
      CREATE VIEW siu_ingestor.siu_message_log AS
      SELECT m.id, m.hospital_id, m.channel, m.type, m.control_id, COALESCE(o.status, 'received') AS status, o.reason,
        o.action, o.patient_id, o.care_flow_id, COALESCE(o.patient_created, false) AS patient_created,
        COALESCE(o.care_flow_started, false) AS care_flow_started, COALESCE(o.care_flow_updated, false) AS care_flow_updated,
        COALESCE(o.care_flow_stopped, false) AS care_flow_stopped, m.created_at, m.run_id, m.file_id, m.position,
        m.sending_application, m.sending_facility, m.raw, m.reprocessed_at
      FROM siu_ingestor.siu_messages m
      LEFT JOIN siu_ingestor.siu_message_outcomes o ON o.hospital_id = m.hospital_id AND o.message_id = m.id`);
  }

  async down(): Promise<void> {
    throw new Error('MessageOutcomes1796250000000 cannot be reverted');
  }
}
