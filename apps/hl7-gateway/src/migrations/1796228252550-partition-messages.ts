import type { MigrationInterface, QueryRunner } from 'typeorm';
import { convertToDailyPartitions } from '@bridge/database';
import { HL7_JOURNAL } from '../retention/hl7-journal';

const COLUMNS =
  'id, hospital_id, channel, direction, type, control_id, status, error, raw_out, raw_in, summary, started_at, finished_at, duration_ms, created_at';

/**
 * The HL7 journal becomes partitioned by day on `created_at` (retention drops whole partitions). The key
 * must hold the partition key: `(id, created_at)`; ids stay random UUIDs, looked up by `id` alone.
 */
export class PartitionMessages1796228252550 implements MigrationInterface {
  readonly name = 'PartitionMessages1796228252550';

  async up(runner: QueryRunner): Promise<void> {
    await convertToDailyPartitions(
      runner,
      HL7_JOURNAL,
      async (table) => {
        await runner.query(`
          CREATE TABLE ${table} (
            id uuid NOT NULL,
            hospital_id uuid NOT NULL,
            channel text NOT NULL,
            direction text NOT NULL,
            type text NOT NULL,
            control_id text,
            status text NOT NULL,
            error text,
            raw_out text,
            raw_in text,
            summary jsonb NOT NULL DEFAULT '{}',
            started_at timestamptz NOT NULL,
            finished_at timestamptz,
            duration_ms integer,
            created_at timestamptz NOT NULL DEFAULT now(),
            PRIMARY KEY (id, created_at)
          ) PARTITION BY RANGE (created_at)`);
        await runner.query(
          `CREATE INDEX messages_hospital_created ON ${table} (hospital_id, created_at DESC)`,
        );
        await runner.query(`CREATE INDEX messages_created ON ${table} (created_at DESC)`);
      },
      COLUMNS,
    );
  }

  async down(): Promise<void> {
    // Not reversed: an unpartitioned journal would have to be copied back row by row.
    throw new Error('PartitionMessages1796228252550 cannot be reverted');
  }
}
