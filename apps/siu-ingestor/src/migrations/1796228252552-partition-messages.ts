import type { MigrationInterface, QueryRunner } from 'typeorm';
import { convertToDailyPartitions } from '@bridge/database';
import { SIU_JOURNAL } from '../retention/siu-journal';

const COLUMNS = `id, seq, hospital_id, channel, run_id, file_id, position, external_id, appointment_key, type, control_id,
  sending_application, sending_facility, raw, status, reason, action, patient_id, care_flow_id, patient_created,
  care_flow_started, care_flow_updated, care_flow_stopped, reprocessed_at, created_at, updated_at`;

/**
 * SIU messages become partitioned by day on `created_at` (retention drops whole partitions). What dedupe
 * relied on, checked first:
 * - rule 27 (MSH-3/4/10) claims live in `siu_processed_keys`, not partitioned: unchanged;
 * - a real-time message is stored once per listener journal id through the unique index
 *   `(hospital_id, external_id)`. A unique index on a partitioned table must hold the partition key, and a
 *   redelivery is stored at another time, so that claim moves to `siu_realtime_receipts` (not partitioned;
 *   one narrow row per real-time message, pruned with its message);
 * - `seq` (rule-19 order) was an identity column, which PostgreSQL before 17 refuses on a partitioned
 *   table: it is now a sequence default, continuing after the highest one.
 * Partitioned tables need the partition key in the primary key: `(id, created_at)`.
 */
export class PartitionMessages1796228252552 implements MigrationInterface {
  readonly name = 'PartitionMessages1796228252552';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE siu_ingestor.siu_realtime_receipts (
        hospital_id uuid NOT NULL,
        external_id uuid NOT NULL,
        message_id uuid NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (hospital_id, external_id)
      )`);
    await runner.query(
      `CREATE INDEX siu_realtime_receipts_created ON siu_ingestor.siu_realtime_receipts (created_at)`,
    );
    await runner.query(`
      INSERT INTO siu_ingestor.siu_realtime_receipts (hospital_id, external_id, message_id, created_at)
      SELECT hospital_id, external_id, id, created_at FROM siu_ingestor.siu_messages WHERE external_id IS NOT NULL`);
    await runner.query(`CREATE SEQUENCE siu_ingestor.siu_messages_seq_order AS bigint`);
    await runner.query(
      `SELECT setval('siu_ingestor.siu_messages_seq_order', COALESCE((SELECT max(seq) FROM siu_ingestor.siu_messages), 0) + 1, false)`,
    );
    await convertToDailyPartitions(
      runner,
      SIU_JOURNAL,
      async (table) => {
        await runner.query(`
          CREATE TABLE ${table} (
            id uuid NOT NULL,
            seq bigint NOT NULL DEFAULT nextval('siu_ingestor.siu_messages_seq_order'),
            hospital_id uuid NOT NULL,
            channel text NOT NULL,
            run_id uuid REFERENCES siu_ingestor.siu_runs (id),
            file_id uuid REFERENCES siu_ingestor.siu_files (id),
            position integer,
            external_id uuid,
            appointment_key text,
            type text NOT NULL,
            control_id text NOT NULL,
            sending_application text NOT NULL,
            sending_facility text NOT NULL,
            raw bytea,
            status text NOT NULL DEFAULT 'received',
            reason text,
            action text,
            patient_id uuid,
            care_flow_id uuid,
            patient_created boolean NOT NULL DEFAULT false,
            care_flow_started boolean NOT NULL DEFAULT false,
            care_flow_updated boolean NOT NULL DEFAULT false,
            care_flow_stopped boolean NOT NULL DEFAULT false,
            reprocessed_at timestamptz,
            created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
            updated_at timestamptz NOT NULL DEFAULT now(),
            PRIMARY KEY (id, created_at)
          ) PARTITION BY RANGE (created_at)`);
        await runner.query(
          `CREATE INDEX siu_messages_waiting ON ${table} (hospital_id, appointment_key, seq) WHERE status = 'received'`,
        );
        await runner.query(`CREATE INDEX siu_messages_created ON ${table} (created_at DESC, id)`);
        await runner.query(
          `CREATE INDEX siu_messages_hospital_created ON ${table} (hospital_id, created_at DESC)`,
        );
        await runner.query(
          `CREATE INDEX siu_messages_run_failed ON ${table} (run_id, seq) WHERE status = 'failed'`,
        );
      },
      COLUMNS,
    );
    await runner.query(
      `ALTER SEQUENCE siu_ingestor.siu_messages_seq_order OWNED BY siu_ingestor.siu_messages.seq`,
    );
  }

  async down(): Promise<void> {
    throw new Error('PartitionMessages1796228252552 cannot be reverted');
  }
}
