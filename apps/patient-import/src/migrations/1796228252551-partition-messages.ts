import type { MigrationInterface, QueryRunner } from 'typeorm';
import { convertToDailyPartitions } from '@bridge/database';
import { IMPORT_JOURNAL } from '../retention/import-journal';

const COLUMNS =
  'id, hospital_id, channel, direction, type, status, error, raw_out, raw_in, http_status, summary, duration_ms, patient_id, created_at, updated_at';

/**
 * The web-service journal becomes partitioned by day on `created_at` (retention drops whole partitions);
 * the key holds the partition key, and `raw_out` may be emptied once the hospital's body retention passed.
 */
export class PartitionMessages1796228252551 implements MigrationInterface {
  readonly name = 'PartitionMessages1796228252551';

  async up(runner: QueryRunner): Promise<void> {
    await convertToDailyPartitions(
      runner,
      IMPORT_JOURNAL,
      async (table) => {
        await runner.query(`
          CREATE TABLE ${table} (
            id uuid NOT NULL,
            hospital_id uuid NOT NULL,
            channel text NOT NULL,
            direction text NOT NULL,
            type text NOT NULL,
            status text NOT NULL,
            error text,
            raw_out text,
            raw_in text,
            http_status integer,
            summary jsonb,
            duration_ms integer,
            patient_id uuid,
            created_at timestamptz NOT NULL DEFAULT now(),
            updated_at timestamptz NOT NULL DEFAULT now(),
            PRIMARY KEY (id, created_at)
          ) PARTITION BY RANGE (created_at)`);
        await runner.query(`CREATE INDEX messages_created ON ${table} (created_at DESC, id)`);
        await runner.query(
          `CREATE INDEX messages_hospital_created ON ${table} (hospital_id, created_at DESC)`,
        );
      },
      COLUMNS,
    );
  }

  async down(): Promise<void> {
    throw new Error('PartitionMessages1796228252551 cannot be reverted');
  }
}
